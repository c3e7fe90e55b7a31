using Lem.Engine.Inference;

namespace Lem.Engine.Config;

/// <summary>
/// Checks the parameters a user set against the registry and returns the findings as data: unknown names with
/// "did you mean", types, ranges, allowed values, call shapes, backend applicability and rules between parameters.
/// Each diagnostic names its parameter and carries the value's provenance as its location.
/// </summary>
public static class ConfigValidator
{
    /// <param name="values">The values the user set, by dotted name; defaults and the decoder preset fill the rest.</param>
    public static IReadOnlyList<Diagnostic> Validate(IReadOnlyDictionary<string, ResolvedValue> values, ParameterRegistry registry) =>
        Validate(values, registry.All, registry.Module);

    /// <summary>One value alone (type, range, allowed values, call shape, text shape), for checking an assignment where it is written.</summary>
    public static IReadOnlyList<Diagnostic> CheckValue(string name, ResolvedValue value, ParameterRegistry registry)
    {
        var findings = new Findings();
        if (registry.TryGet(name, out var definition)) ValueChecks.Check(definition, value, findings);
        else UnknownName(findings, name, value, registry.All);
        return findings.All;
    }

    /// <param name="module">The backend module of a <c>backend</c> value; its capabilities and rules are checked where it is known.</param>
    internal static IReadOnlyList<Diagnostic> Validate(IReadOnlyDictionary<string, ResolvedValue> values, IReadOnlyList<ParameterDefinition> definitions,
        Func<string, IBackendModule?> module)
    {
        var byName = definitions.ToDictionary(d => d.Name);
        var findings = new Findings();
        var valid = new Dictionary<string, ResolvedValue>();
        var invalid = new HashSet<string>();

        foreach (var (name, value) in values)
        {
            if (!byName.TryGetValue(name, out var definition))
            {
                UnknownName(findings, name, value, definitions);
                continue;
            }
            var errorsBefore = findings.ErrorCount;
            ValueChecks.Check(definition, value, findings);
            if (findings.ErrorCount == errorsBefore) valid[name] = value;
            else invalid.Add(name);
        }

        // Values that carry default or preset provenance (a resolved map passed back in), or the original tool's defaults
        // that the YAML reader wrote for keys an original config leaves out, were not chosen by the user: they are
        // checked above but never reported as misplaced or without effect.
        var chosen = valid.Where(v => v.Value.From is not (Provenance.Default or Provenance.Derived or Provenance.OriginalDefault)).ToDictionary();

        var backend = BackendOf(valid, byName);
        if (backend is not null)
        {
            foreach (var (name, value) in chosen.ToList())
            {
                var definition = byName[name];
                if (definition.AppliesTo(backend)) continue;
                var backends = definition.BackendsOrAll;
                findings.At(name, value.From).Error(DiagnosticCodes.NotForBackend,
                    $"{name} applies only to the {string.Join(", ", backends)} backend{(backends.Count == 1 ? "" : "s")}, not to backend = {backend}: remove it, or set backend = {backends[0]}.");
                valid.Remove(name);
                chosen.Remove(name);
                invalid.Add(name);
            }
        }

        var effective = new EffectiveValues(ConfigResolver.Resolve(valid, definitions), chosen, invalid);
        CrossFieldRules.Check(effective, findings);
        if (backend is not null && module(backend) is { } chosenModule)
        {
            CapabilityRules.Check(chosenModule, effective, findings);
            chosenModule.CheckRules(effective, findings);
        }
        return findings.All;
    }

    private static void UnknownName(Findings findings, string name, ResolvedValue value, IReadOnlyList<ParameterDefinition> definitions)
    {
        var site = findings.At(name, value.From);
        var section = definitions.FirstOrDefault(d => d.Section == name);
        if (section is not null)
        {
            site.Error(DiagnosticCodes.UnknownName, $"'{name}' is a section, not a parameter: set one of its parameters, for example {section.Name}.");
            return;
        }
        var suggestion = ParameterNameSuggester.Suggest(name, definitions);
        var hint = suggestion is null ? "; `lem config params` lists the parameters." : $"; did you mean '{suggestion}'?";
        site.Error(DiagnosticCodes.UnknownName, $"unknown parameter '{name}'{hint}");
    }

    private static string? BackendOf(IReadOnlyDictionary<string, ResolvedValue> valid, IReadOnlyDictionary<string, ParameterDefinition> byName)
    {
        var value = valid.GetValueOrDefault("backend")?.Value ?? byName.GetValueOrDefault("backend")?.Default;
        return value switch
        {
            ConfigValue.Word w => w.Value,
            ConfigValue.Text t => t.Value,
            _ => null,
        };
    }
}
