namespace Lem.Engine.Config;

/// <summary>
/// Completes the values a user set into every parameter's value, in registry order: set values as they are,
/// decoder values from <c>decoder.preset</c> (provenance <c>Derived("decoder.preset=NAME")</c>), then defaults.
/// Optional parameters that are unset and have no default are absent, and so are the sections of backends other than
/// the chosen one (unless set: the validator reports those), so a record holds exactly what its run used.
/// </summary>
public static class ConfigResolver
{
    public const string PresetParameter = "decoder.preset";

    public static IReadOnlyDictionary<string, ResolvedValue> Resolve(IReadOnlyDictionary<string, ResolvedValue> values, IReadOnlyList<ParameterDefinition> definitions)
    {
        var preset = PresetOf(values, definitions);
        var fromPreset = new Provenance.Derived($"{PresetParameter}={preset.Name}");
        var presetValues = preset.Values.ToDictionary(v => v.Key, v => v.Value);

        var backend = WordOf(values.TryGetValue(CoreParameters.Backend, out var chosen) ? chosen.Value
            : definitions.FirstOrDefault(d => d.Name == CoreParameters.Backend)?.Default ?? new ConfigValue.Word(""));
        var resolved = new OrderedDictionary<string, ResolvedValue>();
        foreach (var definition in definitions)
        {
            if (values.TryGetValue(definition.Name, out var set)) resolved[definition.Name] = set;
            else if (backend is not null && !definition.AppliesTo(backend)) continue;
            else if (presetValues.TryGetValue(definition.Name, out var derived)) resolved[definition.Name] = new ResolvedValue(derived, fromPreset);
            else if (definition.Default is not null) resolved[definition.Name] = new ResolvedValue(definition.Default, Provenance.DefaultValue);
        }
        return resolved;
    }

    /// <summary>The preset named by the values, else the registry default, else deterministic.</summary>
    internal static DecoderPreset PresetOf(IReadOnlyDictionary<string, ResolvedValue> values, IReadOnlyList<ParameterDefinition> definitions)
    {
        if (values.TryGetValue(PresetParameter, out var set) && WordOf(set.Value) is { } name && DecoderPresets.TryGet(name, out var chosen)) return chosen;
        var definition = definitions.FirstOrDefault(d => d.Name == PresetParameter);
        if (definition?.Default is { } fallback && WordOf(fallback) is { } defaultName && DecoderPresets.TryGet(defaultName, out var byDefault)) return byDefault;
        return DecoderPresets.Deterministic;
    }

    private static string? WordOf(ConfigValue value) => value switch
    {
        ConfigValue.Word w => w.Value,
        ConfigValue.Text t => t.Value,
        _ => null,
    };
}
