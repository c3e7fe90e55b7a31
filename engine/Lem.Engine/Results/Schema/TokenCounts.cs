namespace Lem.Engine.Results.Schema;

/// <summary>
/// Counts over the measurement window, from the tokenizer/model (never from text length). A count is null when it was
/// not reported (a measured command that did not print it: docs/cli.md, "lem measure"), never 0 for "unknown".
/// </summary>
/// <param name="PromptTokens">Real prompt tokens; padding never counts.</param>
/// <param name="PromptPaddedTokens">Prompt tokens including padding, as processed by the device.</param>
/// <param name="OutputTokens">Generated tokens.</param>
public sealed record TokenCounts(long? Requests, long? PromptTokens, long? PromptPaddedTokens, long? OutputTokens)
{
    /// <summary>Sums count by count; a count some side lacks is lacking in the sum (a partial sum would understate it).</summary>
    public static TokenCounts operator +(TokenCounts a, TokenCounts b) =>
        new(a.Requests + b.Requests, a.PromptTokens + b.PromptTokens, a.PromptPaddedTokens + b.PromptPaddedTokens, a.OutputTokens + b.OutputTokens);

    public static readonly TokenCounts Zero = new(0, 0, 0, 0);

    /// <summary>No count reported.</summary>
    public static readonly TokenCounts None = new(null, null, null, null);

    /// <summary>Prompt + output tokens; null when either is not reported.</summary>
    public long? TotalTokens => PromptTokens + OutputTokens;
}
