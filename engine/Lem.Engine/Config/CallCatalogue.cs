namespace Lem.Engine.Config;

using static ConfigValue;

/// <summary>The calls allowed as values of the <c>model</c> and <c>prompts</c> parameters, with their arguments.</summary>
public static class CallCatalogue
{
    public static readonly CallSignature SyntheticModel = new(
        "synthetic",
        "Seeded random weights of a real architecture, generated into the cache on first use: synthetic(\"llama-3.2-1b\", seed = 0).",
        [new CallArgument("preset", ParameterKind.Text, "Name of the architecture preset (for example \"tiny\", \"llama-3.2-1b\").", Required: true)],
        [new CallArgument("seed", ParameterKind.Integer, "Seed of the random weights.", Default: new Integer(0), Min: 0, Max: long.MaxValue)]);

    public static readonly CallSignature SyntheticPrompts = new(
        "synthetic",
        "Generated prompts of an exact token count: synthetic(count = 64, input_tokens = 256). With min_input_tokens, " +
        "lengths are drawn uniformly between min_input_tokens and input_tokens (useful to compare sorted batching strategies).",
        [],
        [
            new CallArgument("count", ParameterKind.Integer, "Number of prompts.", Default: new Integer(8), Min: 1, Max: 10_000_000, Unit: "prompts"),
            new CallArgument("input_tokens", ParameterKind.Integer, "Tokens per prompt (the longest prompt when min_input_tokens is given).", Default: new Integer(32), Min: 1, Max: 1_000_000, Unit: "tokens"),
            new CallArgument("min_input_tokens", ParameterKind.Integer, "Shortest prompt; omitted: every prompt has input_tokens tokens.", Min: 1, Max: 1_000_000, Unit: "tokens"),
            new CallArgument("seed", ParameterKind.Integer, "Seed of the generated token ids (and lengths).", Default: new Integer(0), Min: 0, Max: long.MaxValue),
        ]);

    public static readonly CallSignature FilePrompts = new(
        "file",
        "Prompts read from a file: file(\"prompts.jsonl\", format = jsonl, column = \"text\", sample = 100, shuffle = true, seed = 1). " +
        "Formats: text (one prompt per line), jsonl (one JSON object per line, the prompt in field `column`), json (a JSON array of such objects), csv (the prompt in column `column`), " +
        "alpaca (JSON array or JSON lines of {instruction, input}: instruction, then input after a blank line when not empty), " +
        "gsm8k (JSON lines of {question}), sharegpt (JSON array or JSON lines of {conversations}: the first human turn). The path is relative to the file that sets it.",
        [new CallArgument("path", ParameterKind.Text, "Path of the prompt file.", Required: true)],
        [
            new CallArgument("format", ParameterKind.Choice, "File format; omitted: from the extension (.txt text, .jsonl jsonl, .json json, .csv csv).", AllowedValues: ["text", "jsonl", "json", "csv", "alpaca", "gsm8k", "sharegpt"]),
            new CallArgument("column", ParameterKind.Text, "Field (jsonl) or column (csv) that holds the prompt.", Default: new Text("text")),
            new CallArgument("sample", ParameterKind.Integer, "Keep this many prompts: the first ones, or a seeded random choice with shuffle = true; omitted: all.", Min: 1, Max: 100_000_000, Unit: "prompts"),
            new CallArgument("shuffle", ParameterKind.Boolean, "Shuffle the prompts (seeded by seed) before sampling and running.", Default: new Boolean(false)),
            new CallArgument("seed", ParameterKind.Integer, "Seed of the shuffle.", Default: new Integer(0), Min: 0, Max: long.MaxValue),
        ]);

    public static readonly IReadOnlyList<CallSignature> ModelCalls = [SyntheticModel];

    public static readonly IReadOnlyList<CallSignature> PromptCalls = [SyntheticPrompts, FilePrompts];

    /// <summary>The calls a parameter of this kind accepts (empty for kinds that take no call).</summary>
    public static IReadOnlyList<CallSignature> For(ParameterKind kind) => kind switch
    {
        ParameterKind.Model => ModelCalls,
        ParameterKind.Prompts => PromptCalls,
        _ => [],
    };
}
