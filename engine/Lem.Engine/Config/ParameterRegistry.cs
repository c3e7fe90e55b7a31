namespace Lem.Engine.Config;

/// <summary>
/// Every experiment parameter the engine knows. Typed configuration, validation, <c>lem config params</c>,
/// the language checker and the YAML importer all read this list; nothing else defines a parameter.
/// </summary>
public static class ParameterRegistry
{
    public static IReadOnlyList<ParameterDefinition> All => ParameterCatalogue.Definitions;

    public static bool TryGet(string name, out ParameterDefinition definition)
    {
        definition = ByName.GetValueOrDefault(name)!;
        return definition is not null;
    }

    /// <summary>Section names (<c>batching</c>, <c>decoder</c>...), for block syntax in the language.</summary>
    public static IReadOnlySet<string> Sections => SectionNames;

    /// <summary>
    /// The registry name an unknown name most likely meant (<c>batch_size</c> gives <c>batching.batch_size</c>,
    /// <c>decoder.temprature</c> gives <c>decoder.temperature</c>), or null when none is close.
    /// </summary>
    public static string? Suggest(string unknownName) => ParameterNameSuggester.Suggest(unknownName, All);

    /// <summary>The calls a parameter accepts as its value (<c>synthetic</c>, <c>file</c> for <c>prompts</c>); empty for most parameters.</summary>
    public static IReadOnlyList<CallSignature> CallsFor(string name) =>
        TryGet(name, out var definition) ? CallCatalogue.For(definition.Kind) : [];

    private static readonly Dictionary<string, ParameterDefinition> ByName = ParameterCatalogue.Definitions.ToDictionary(d => d.Name);
    private static readonly HashSet<string> SectionNames = ParameterCatalogue.Definitions.Where(d => d.Section is not null).Select(d => d.Section!).ToHashSet();
}
