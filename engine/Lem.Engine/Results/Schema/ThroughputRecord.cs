namespace Lem.Engine.Results.Schema;

/// <summary>Rates over the measurement window; total = real prompt tokens + output tokens. A rate is null when the
/// window has no duration or its count was not reported.</summary>
public sealed record ThroughputRecord(double? OutputTokensPerS, double? TotalTokensPerS, double? RequestsPerS)
{
    public static ThroughputRecord From(TokenCounts tokens, double durationS) =>
        durationS > 0
            ? new(tokens.OutputTokens / durationS, tokens.TotalTokens / durationS, tokens.Requests / durationS)
            : new(null, null, null);
}
