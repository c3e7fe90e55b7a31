using Lem.Engine.Inference;

namespace Lem.Engine.Config;

/// <summary>
/// Every experiment parameter this build of lem knows: the engine's core parameters plus the section of every backend
/// module, composed once at start-up (<see cref="Compose"/>). Typed configuration, validation, <c>lem config params</c>,
/// the language checker and the YAML importer all read it; nothing else defines a parameter.
/// </summary>
public sealed class ParameterRegistry
{
    private readonly Dictionary<string, ParameterDefinition> _byName;
    private readonly Dictionary<string, IBackendModule> _modules;
    private readonly HashSet<string> _sections;

    private ParameterRegistry(IReadOnlyList<IBackendModule> modules, IReadOnlyList<ParameterDefinition> definitions)
    {
        Modules = modules;
        All = definitions;
        _byName = definitions.ToDictionary(d => d.Name);
        _modules = modules.ToDictionary(m => m.Name);
        _sections = definitions.Where(d => d.Section is not null).Select(d => d.Section!).ToHashSet();
    }

    /// <summary>
    /// The core parameters, then <c>backend</c> (its values the modules' names, the first module the default) and
    /// <c>quantization</c> (the values the modules support), then each module's parameters in module order. A module's
    /// own parameter (<see cref="ParameterDefinition.Backends"/> null) applies to it alone; a parameter several modules
    /// contribute with the same name is one entry applying to all of them.
    /// </summary>
    /// <exception cref="ArgumentException">No modules, two modules with one name, a module parameter that shadows a
    /// core one or is named outside any section, or two different definitions under one name: a composition bug.</exception>
    public static ParameterRegistry Compose(IReadOnlyList<IBackendModule> modules)
    {
        if (modules.Count == 0) throw new ArgumentException("a registry needs at least one backend module", nameof(modules));
        foreach (var name in modules.GroupBy(m => m.Name).Where(g => g.Count() > 1).Select(g => g.Key))
            throw new ArgumentException($"two backend modules are named '{name}'", nameof(modules));

        var definitions = new List<ParameterDefinition>(CoreParameters.Definitions);
        var insertAt = definitions.FindIndex(d => d.Name == "device");
        definitions.Insert(insertAt, BackendParameter(modules));
        definitions.Insert(definitions.FindIndex(d => d.Name == "max_new_tokens"), QuantizationParameter(modules));
        var core = definitions.Select(d => d.Name).ToHashSet();

        var contributed = new List<ParameterDefinition>();
        foreach (var module in modules)
        {
            foreach (var parameter in module.Parameters)
            {
                if (core.Contains(parameter.Name))
                    throw new ArgumentException($"backend module '{module.Name}' defines '{parameter.Name}', which is a core parameter", nameof(modules));
                if (parameter.Section is null)
                    throw new ArgumentException($"backend module '{module.Name}' defines '{parameter.Name}' outside a section: name it '{module.Name}.{parameter.Name}'", nameof(modules));
                var own = parameter.Backends is null ? parameter with { Backends = [module.Name] } : parameter;
                var index = contributed.FindIndex(d => d.Name == own.Name);
                if (index < 0)
                {
                    contributed.Add(own);
                    continue;
                }
                var shared = contributed[index];
                if (!SameDefinition(shared, own))
                    throw new ArgumentException($"'{own.Name}' is defined differently by backend module '{module.Name}' and an earlier module", nameof(modules));
                contributed[index] = shared with { Backends = shared.BackendsOrAll.Union(own.BackendsOrAll).ToArray() };
            }
        }
        definitions.InsertRange(definitions.FindIndex(d => d.Name == "results.dir"), contributed);
        return new ParameterRegistry(modules, definitions);
    }

    /// <summary>The modules in composition order; the first one is the default backend.</summary>
    public IReadOnlyList<IBackendModule> Modules { get; }

    public IReadOnlyList<ParameterDefinition> All { get; }

    public bool TryGet(string name, out ParameterDefinition definition)
    {
        definition = _byName.GetValueOrDefault(name)!;
        return definition is not null;
    }

    /// <summary>The backend module named <paramref name="name"/> (the value of <c>backend</c>), or null.</summary>
    public IBackendModule? Module(string name) => _modules.GetValueOrDefault(name);

    /// <summary>The module the original LLenergyMeasure format calls <paramref name="originalName"/> (<c>pytorch</c>), or the one of that name; null where none.</summary>
    public IBackendModule? ModuleForOriginalName(string originalName) =>
        Modules.FirstOrDefault(m => m.OriginalNames.Contains(originalName, StringComparer.OrdinalIgnoreCase)) ?? Module(originalName);

    /// <summary>Section names (<c>batching</c>, <c>decoder</c>...), for block syntax in the language.</summary>
    public IReadOnlySet<string> Sections => _sections;

    /// <summary>
    /// The registry name an unknown name most likely meant (<c>batch_size</c> gives <c>batching.batch_size</c>,
    /// <c>decoder.temprature</c> gives <c>decoder.temperature</c>), or null when none is close.
    /// </summary>
    public string? Suggest(string unknownName) => ParameterNameSuggester.Suggest(unknownName, All);

    /// <summary>The calls a parameter accepts as its value (<c>synthetic</c>, <c>file</c> for <c>prompts</c>); empty for most parameters.</summary>
    public IReadOnlyList<CallSignature> CallsFor(string name) =>
        TryGet(name, out var definition) ? CallCatalogue.For(definition.Kind) : [];

    /// <summary>Checks the values a user set (see <see cref="ConfigValidator"/>).</summary>
    public IReadOnlyList<Diagnostic> Validate(IReadOnlyDictionary<string, ResolvedValue> values) => ConfigValidator.Validate(values, this);

    /// <summary>One value alone (type, range, allowed values, call shape, text shape).</summary>
    public IReadOnlyList<Diagnostic> CheckValue(string name, ResolvedValue value) => ConfigValidator.CheckValue(name, value, this);

    /// <summary>Every parameter's value: set values, preset-derived decoder values and defaults (see <see cref="ConfigResolver"/>).</summary>
    public IReadOnlyDictionary<string, ResolvedValue> Resolve(IReadOnlyDictionary<string, ResolvedValue> values) => ConfigResolver.Resolve(values, All);

    private static bool SameDefinition(ParameterDefinition a, ParameterDefinition b) =>
        a.Name == b.Name && a.Kind == b.Kind && Equals(a.Default, b.Default) && a.Help == b.Help && a.Unit == b.Unit
        && a.AllowedValuesOrEmpty.SequenceEqual(b.AllowedValuesOrEmpty) && a.Min == b.Min && a.Max == b.Max;

    private static ParameterDefinition BackendParameter(IReadOnlyList<IBackendModule> modules) => new(
        CoreParameters.Backend, ParameterKind.Choice, new ConfigValue.Word(modules[0].Name),
        "Inference engine that runs the model: " + string.Join("; ", modules.Select(m => $"{m.Name} ({m.Summary.TrimEnd('.')})")) + ".",
        AllowedValues: modules.Select(m => m.Name).ToArray());

    private static ParameterDefinition QuantizationParameter(IReadOnlyList<IBackendModule> modules)
    {
        var values = new[] { "none" }.Concat(modules.SelectMany(m => m.Capabilities.Quantizations)).Distinct().ToArray();
        // each backend says what its values mean: the same name (int4) is a different scheme in another backend
        var byBackend = modules.SelectMany(m => m.Capabilities.Quantizations.Where(q => q != "none").Select(q =>
            $" {m.Name} {q}" + (m.Capabilities.QuantizationDescriptions?.GetValueOrDefault(q) is { } what ? $": {what}." : ".")));
        return new(CoreParameters.Quantization, ParameterKind.Choice, new ConfigValue.Word("none"),
            "Weight-only quantization of the model's linear layers, done at load (activations keep `precision`); none keeps the weights at `precision`. "
            + "Each backend quantizes in its own way, so one value in two backends is two schemes (compare them as such)."
            + string.Concat(byBackend) + " A backend's own quantized formats (GGUF types, say) are in its section.",
            AllowedValues: values);
    }
}
