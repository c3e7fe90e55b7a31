namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// Prompts read from a file. <paramref name="Path"/> is absolute or already resolved by the caller.
/// <paramref name="Column"/> applies to jsonl, json and csv (default <c>text</c>). <paramref name="Sample"/> keeps
/// that many prompts (the first ones, or a seeded random choice when <paramref name="Shuffle"/> is on).
/// </summary>
public sealed record FilePromptOptions(
    string Path,
    PromptFileFormat Format,
    string? Column = null,
    int? Sample = null,
    bool Shuffle = false,
    long Seed = 0) : PromptSourceOptions
{
    public const string DefaultColumn = "text";
}
