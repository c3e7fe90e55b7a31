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

    private static readonly Dictionary<string, ParameterDefinition> ByName = ParameterCatalogue.Definitions.ToDictionary(d => d.Name);
    private static readonly HashSet<string> SectionNames = ParameterCatalogue.Definitions.Where(d => d.Section is not null).Select(d => d.Section!).ToHashSet();
}
