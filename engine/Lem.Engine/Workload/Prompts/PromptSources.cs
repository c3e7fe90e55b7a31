using Lem.Engine.Config;

namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// Creates prompt sources from the <c>prompts</c> parameter, already validated against the registry's call signatures
/// (<see cref="CallCatalogue.SyntheticPrompts"/>, <see cref="CallCatalogue.FilePrompts"/>):
/// <c>synthetic(count = N, input_tokens = N, min_input_tokens = N, seed = N)</c> or
/// <c>file("path", format = alpaca|gsm8k|sharegpt|text|jsonl|json|csv, column = "x", sample = N, shuffle = true, seed = N)</c>.
/// </summary>
public static class PromptSources
{
    private const string Parameter = "prompts";

    /// <summary>The source named by a <c>prompts</c> value. Relative file paths are resolved against <paramref name="baseFolder"/>.</summary>
    public static IPromptSource FromSpec(PromptSpec spec, string baseFolder) => Create(OptionsFrom(spec, baseFolder));

    public static IPromptSource Create(PromptSourceOptions options) => options switch
    {
        SyntheticPromptOptions synthetic => new SyntheticPromptSource(synthetic),
        FilePromptOptions file => new FilePromptSource(file),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options, "Unknown prompt source options."),
    };

    public static PromptSourceOptions OptionsFrom(PromptSpec spec, string baseFolder)
    {
        if (spec.IsSynthetic)
        {
            var longest = Count(spec, "input_tokens");
            var shortest = spec.Has("min_input_tokens") ? Count(spec, "min_input_tokens") : longest;
            if (shortest > longest)
                throw Error($"synthetic(...): min_input_tokens ({shortest}) is greater than input_tokens ({longest}); input_tokens is the longest prompt.");
            return new SyntheticPromptOptions(Count(spec, "count"), shortest, longest, spec.Integer("seed"));
        }
        if (spec.IsFile)
        {
            var path = spec.Text("path");
            if (string.IsNullOrWhiteSpace(path))
                throw Error("file(...) needs the path of the prompt file: file(\"data/prompts.jsonl\", format = jsonl).");
            var resolved = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseFolder, path));
            var formatText = spec.OptionalText("format") ?? FormatFromExtension(path);
            if (!TryParseFormat(formatText, out var format))
                throw Error($"file(...): unknown format '{formatText}'. Use one of: alpaca, gsm8k, sharegpt, text, jsonl, json, csv.");
            var column = format is PromptFileFormat.Jsonl or PromptFileFormat.Json or PromptFileFormat.Csv ? spec.OptionalText("column") : null;
            int? sample = spec.Has("sample") ? Count(spec, "sample") : null;
            return new FilePromptOptions(resolved, format, column, sample, spec.Has("shuffle") && spec.Boolean("shuffle"), spec.Has("seed") ? spec.Integer("seed") : 0);
        }
        throw Error($"{spec.Source}(...) is not a prompt source. Use synthetic(count = N, input_tokens = N) or file(\"path\", format = ...).");
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

    private static int Count(PromptSpec spec, string name)
    {
        var value = spec.Integer(name);
        if (value < 1 || value > int.MaxValue)
            throw Error($"{spec.Source}(...): {name} = {value} is out of range; it must be between 1 and {int.MaxValue}.");
        return (int)value;
    }

    private static WorkloadException Error(string message) => new($"{Parameter}: {message}", Parameter);
}
