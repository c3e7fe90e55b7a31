namespace Lem.Engine.Workload.Prompts;

/// <summary>The prompts of a workload, a one-line description of where they came from, and any warnings to keep with the result.</summary>
public sealed record PromptSet(IReadOnlyList<Prompt> Prompts, string Description, IReadOnlyList<string> Warnings)
{
    public long TotalTokens => Prompts.Sum(p => (long)p.TokenCount);
}
