namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// <paramref name="Count"/> prompts of exactly <paramref name="InputTokensMin"/>..<paramref name="InputTokensMax"/> tokens each
/// (both equal for a fixed length; otherwise each prompt's length is drawn uniformly from the inclusive range with
/// <paramref name="Seed"/>). The seed also picks the words, so the same options give the same token ids.
/// </summary>
public sealed record SyntheticPromptOptions(int Count, int InputTokensMin, int InputTokensMax, long Seed = 0) : PromptSourceOptions
{
    public static SyntheticPromptOptions Fixed(int count, int inputTokens, long seed = 0) => new(count, inputTokens, inputTokens, seed);
}
