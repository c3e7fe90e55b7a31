using Lem.Engine.Config;

namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// Creates prompt sources from the value of the <c>prompts</c> parameter:
/// <c>synthetic(count = N, input_tokens = N, seed = N)</c> or <c>synthetic(count = N, input_tokens_min = N, input_tokens_max = N, seed = N)</c>;
/// <c>file("path", format = alpaca|gsm8k|sharegpt|text|jsonl|json|csv, column = "x", sample = N, shuffle = true, seed = N)</c>.
/// </summary>
public static class PromptSources
{
    private const string Parameter = "prompts";
    private static readonly string[] SyntheticArguments = ["count", "input_tokens", "input_tokens_min", "input_tokens_max", "seed"];
    private static readonly string[] FileArguments = ["path", "format", "column", "sample", "shuffle", "seed"];

    /// <summary>The source named by a <c>prompts</c> value. Relative file paths are resolved against <paramref name="baseFolder"/>.</summary>
    public static IPromptSource FromCall(ConfigValue.Call call, string baseFolder) => Create(ParseOptions(call, baseFolder));

    public static IPromptSource Create(PromptSourceOptions options) => options switch
    {
        SyntheticPromptOptions synthetic => new SyntheticPromptSource(synthetic),
        FilePromptOptions file => new FilePromptSource(file),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options, "Unknown prompt source options."),
    };

    /// <summary>Reads the arguments of a <c>prompts</c> call. Throws <see cref="WorkloadException"/> naming the argument and the remedy.</summary>
    public static PromptSourceOptions ParseOptions(ConfigValue.Call call, string baseFolder) => call.Name switch
    {
        "synthetic" => ParseSynthetic(call),
        "file" => ParseFile(call, baseFolder),
        _ => throw Error($"{call.Name}(...) is not a prompt source. Use synthetic(count = N, input_tokens = N) or file(\"path\", format = ...)."),
    };

    private static SyntheticPromptOptions ParseSynthetic(ConfigValue.Call call)
    {
        CheckNames(call, SyntheticArguments, positionalAllowed: 0);
        var count = Integer(call, "count") ?? throw Error("synthetic(...) needs count = N, the number of prompts.");
        var fixedTokens = Integer(call, "input_tokens");
        var min = Integer(call, "input_tokens_min");
        var max = Integer(call, "input_tokens_max");
        var seed = Long(call, "seed") ?? 0;
        if (fixedTokens is not null && (min is not null || max is not null))
            throw Error("synthetic(...): give either input_tokens = N or input_tokens_min and input_tokens_max, not both.");
        if (fixedTokens is { } n) return new SyntheticPromptOptions(count, n, n, seed);
        if (min is null || max is null)
            throw Error("synthetic(...) needs input_tokens = N, or both input_tokens_min = N and input_tokens_max = N.");
        if (max < min)
            throw Error($"synthetic(...): input_tokens_max ({max}) is below input_tokens_min ({min}). Swap them or make them equal.");
        return new SyntheticPromptOptions(count, min.Value, max.Value, seed);
    }

    private static FilePromptOptions ParseFile(ConfigValue.Call call, string baseFolder)
    {
        CheckNames(call, FileArguments, positionalAllowed: 1);
        var path = call.Positional.Count == 1 ? TextOf(call.Positional[0], "path") : Text(call, "path");
        if (call.Positional.Count == 1 && call.Argument("path") is not null)
            throw Error("file(...): the path is given twice (positionally and as path = ...). Keep one.");
        if (string.IsNullOrWhiteSpace(path))
            throw Error("file(...) needs the path of the prompt file: file(\"data/prompts.jsonl\", format = jsonl).");
        var resolved = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseFolder, path));
        var formatText = Word(call, "format") ?? FormatFromExtension(path);
        if (!TryParseFormat(formatText, out var format))
            throw Error($"file(...): unknown format '{formatText}'. Use one of: alpaca, gsm8k, sharegpt, text, jsonl, json, csv.");
        var sample = Integer(call, "sample");
        var shuffle = Boolean(call, "shuffle") ?? false;
        var seed = Long(call, "seed") ?? 0;
        return new FilePromptOptions(resolved, format, Text(call, "column"), sample, shuffle, seed);
    }

    private static string FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" => "jsonl",
        ".json" => "json",
        ".csv" => "csv",
        ".txt" => "text",
        _ => throw Error($"file(\"{path}\"): cannot tell the format from the file name. Add format = alpaca|gsm8k|sharegpt|text|jsonl|json|csv."),
    };

    private static bool TryParseFormat(string text, out PromptFileFormat format)
    {
        foreach (var candidate in Enum.GetValues<PromptFileFormat>())
        {
            if (FilePromptSource.FormatName(candidate) == text) { format = candidate; return true; }
        }
        format = default;
        return false;
    }

    private static void CheckNames(ConfigValue.Call call, string[] known, int positionalAllowed)
    {
        if (call.Positional.Count > positionalAllowed)
            throw Error(positionalAllowed == 0
                ? $"{call.Name}(...) takes named arguments only ({string.Join(", ", known.Select(k => k + " = ..."))})."
                : $"{call.Name}(...) takes one positional argument, the path; name the others ({string.Join(", ", known.Skip(1).Select(k => k + " = ..."))}).");
        foreach (var (name, _) in call.Named)
        {
            if (known.Contains(name)) continue;
            var close = known.OrderBy(k => EditDistance(k, name)).First();
            throw Error($"{call.Name}(...): unknown argument '{name}'{(EditDistance(close, name) <= 2 ? $" (did you mean {close}?)" : "")}. Known: {string.Join(", ", known)}.");
        }
        var repeated = call.Named.GroupBy(n => n.Key).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw Error($"{call.Name}(...): argument '{repeated.Key}' is given twice. Keep one.");
    }

    private static int? Integer(ConfigValue.Call call, string name)
    {
        var value = Long(call, name);
        if (value is null) return null;
        if (value < 1 || value > int.MaxValue)
            throw Error($"{call.Name}(...): {name} = {value} is out of range; it must be between 1 and {int.MaxValue}.");
        return (int)value;
    }

    private static long? Long(ConfigValue.Call call, string name) => call.Argument(name) switch
    {
        null => null,
        ConfigValue.Integer i => i.Value,
        var other => throw Error($"{call.Name}(...): {name} must be a whole number; got {other}."),
    };

    private static bool? Boolean(ConfigValue.Call call, string name) => call.Argument(name) switch
    {
        null => null,
        ConfigValue.Boolean b => b.Value,
        var other => throw Error($"{call.Name}(...): {name} must be true or false; got {other}."),
    };

    private static string? Text(ConfigValue.Call call, string name) => call.Argument(name) is { } value ? TextOf(value, name) : null;

    private static string TextOf(ConfigValue value, string name) => value switch
    {
        ConfigValue.Text t => t.Value,
        _ => throw Error($"{name} must be a string in double quotes; got {value}."),
    };

    private static string? Word(ConfigValue.Call call, string name) => call.Argument(name) switch
    {
        null => null,
        ConfigValue.Word w => w.Value,
        ConfigValue.Text t => t.Value,
        var other => throw Error($"{call.Name}(...): {name} must be a word such as jsonl; got {other}."),
    };

    private static WorkloadException Error(string message) => new($"{Parameter}: {message}", Parameter);

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
