using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Workload.Batching;

/// <summary>A batch of prompts. Padded tokens assume every row is padded to the longest prompt of the batch.</summary>
public sealed record PromptBatch(int Index, IReadOnlyList<Prompt> Prompts)
{
    public int Rows => Prompts.Count;
    public int LongestPromptTokens => Prompts.Count == 0 ? 0 : Prompts.Max(p => p.TokenCount);
    public long RealTokens => Prompts.Sum(p => (long)p.TokenCount);
    public long PaddedTokens => (long)Rows * LongestPromptTokens;
    public IReadOnlyList<int[]> TokenIds => Prompts.Select(p => p.TokenIds).ToArray();
}
