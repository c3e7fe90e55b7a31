namespace Lem.Engine.Config;

/// <summary>
/// One argument of a call value such as <c>file("x.jsonl", format = alpaca)</c>. <see cref="Kind"/> is one of
/// Integer, Decimal, Boolean, Text or Choice; <see cref="Min"/> and <see cref="Max"/> bound numbers (inclusive).
/// </summary>
/// <param name="Default">Used when the argument is omitted; null with <see cref="Required"/> false means "absent" (said in Help).</param>
public sealed record CallArgument(
    string Name,
    ParameterKind Kind,
    string Help,
    bool Required = false,
    ConfigValue? Default = null,
    IReadOnlyList<string>? AllowedValues = null,
    double? Min = null,
    double? Max = null,
    string? Unit = null)
{
    public IReadOnlyList<string> AllowedValuesOrEmpty => AllowedValues ?? [];
}
