namespace Lem.Engine.Results.Schema;

/// <summary>Counts over the measurement window, from the tokenizer/model (never from text length).</summary>
/// <param name="PromptTokens">Real prompt tokens; padding never counts.</param>
/// <param name="PromptPaddedTokens">Prompt tokens including padding, as processed by the device.</param>
/// <param name="OutputTokens">Generated tokens.</param>
public sealed record TokenCounts(long Requests, long PromptTokens, long PromptPaddedTokens, long OutputTokens)
{
    public static TokenCounts operator +(TokenCounts a, TokenCounts b) =>
        new(a.Requests + b.Requests, a.PromptTokens + b.PromptTokens, a.PromptPaddedTokens + b.PromptPaddedTokens, a.OutputTokens + b.OutputTokens);

    public static readonly TokenCounts Zero = new(0, 0, 0, 0);
}
