namespace Lem.Engine.Config;

/// <summary>"Did you mean ...?" for parameter names: close spellings, a right name in the wrong section, and names other tools use.</summary>
internal static class ParameterNameSuggester
{
    /// <summary>Names researchers bring from other tools (Hugging Face, vLLM, the original LLenergyMeasure).</summary>
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["max_tokens"] = "max_new_tokens",
        ["max_output_tokens"] = "max_new_tokens",
        ["max_length"] = "max_new_tokens",
        ["min_tokens"] = "min_new_tokens",
        ["dtype"] = "precision",
        ["torch_dtype"] = "precision",
        ["model_name"] = "model",
        ["model_path"] = "model",
        ["num_cycles"] = "cycles",
        ["n_cycles"] = "cycles",
        ["repetitions"] = "cycles",
        ["gpus"] = "parallel.devices",
        ["output_dir"] = "results.dir",
        ["do_sample"] = "decoder.temperature",
        ["num_prompts"] = "prompts",
        ["dataset"] = "prompts",
    };

    public static string? Suggest(string unknownName, IReadOnlyList<ParameterDefinition> definitions)
    {
        var key = NameSuggester.Normalise(unknownName);
        if (key.Length == 0) return null;
        if (Aliases.TryGetValue(key, out var alias) && definitions.Any(d => d.Name == alias)) return alias;

        string? best = null;
        var bestScore = double.MaxValue;
        foreach (var definition in definitions)
        {
            var score = Score(key, definition.Name);
            if (score is not null && score < bestScore)
            {
                best = definition.Name;
                bestScore = score.Value;
            }
        }
        return best;
    }

    /// <summary>Lower is closer; null when not close. A whole-name match beats a match of the last segment alone.</summary>
    private static double? Score(string key, string name)
    {
        var scores = new List<double>();
        if (NameSuggester.Score(key, name) is { } whole) scores.Add(whole);

        var (keySection, keyLast) = Split(key);
        var (nameSection, nameLast) = Split(name);
        if (NameSuggester.Score(keyLast, nameLast) is { } last) scores.Add(last + 0.5);
        // "batching.size" for batching.batch_size: right section, part of the name.
        if (keySection is not null && keySection == nameSection && keyLast.Length >= 3 && nameLast.Contains(keyLast, StringComparison.Ordinal))
            scores.Add(1.5);

        return scores.Count == 0 ? null : scores.Min();
    }

    private static (string? Section, string Last) Split(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? (null, name) : (name[..dot], name[(dot + 1)..]);
    }
}
