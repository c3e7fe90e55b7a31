namespace Lem.Engine.Config;

/// <summary>"Did you mean ...?" for parameter names: <see cref="NameSuggester"/>, after the names other tools use.</summary>
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
        return NameSuggester.Closest(key, definitions.Select(d => d.Name));
    }
}
