namespace Lem.Engine.Config;

/// <summary>One experiment parameter: the single source of truth for its name, type, default, range, unit and help.</summary>
/// <param name="Name">Dotted name as written in scripts, e.g. <c>batching.batch_size</c>.</param>
/// <param name="Default">The default value; null where the parameter is required or has no default (said in Help).</param>
/// <param name="Min">Inclusive lower bound of a number; in seconds for Duration parameters.</param>
/// <param name="Max">Inclusive upper bound of a number; in seconds for Duration parameters.</param>
/// <param name="Backends">Backends the parameter applies to; empty means every backend.</param>
public sealed record ParameterDefinition(
    string Name,
    ParameterKind Kind,
    ConfigValue? Default,
    string Help,
    string? Unit = null,
    IReadOnlyList<string>? AllowedValues = null,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Backends = null)
{
    public IReadOnlyList<string> AllowedValuesOrEmpty => AllowedValues ?? [];
    public IReadOnlyList<string> BackendsOrAll => Backends ?? [];
    public bool AppliesTo(string backend) => Backends is null || Backends.Count == 0 || Backends.Contains(backend);
    /// <summary>The section part of a dotted name (<c>batching</c> for <c>batching.batch_size</c>), or null.</summary>
    public string? Section => Name.Contains('.') ? Name[..Name.LastIndexOf('.')] : null;
}
