namespace Lem.Engine.Config;

/// <summary>Typed reads from a resolved, validated map. A missing or mistyped value here is a bug, not a user error.</summary>
internal sealed class ConfigReader(IReadOnlyDictionary<string, ResolvedValue> resolved)
{
    public ConfigValue Value(string name) =>
        Optional(name) ?? throw new InvalidOperationException($"{name} has no value after resolution");

    public ConfigValue? Optional(string name) => resolved.GetValueOrDefault(name)?.Value;

    public long Integer(string name) => Value(name) is ConfigValue.Integer i ? i.Value : throw Mistyped(name);

    public int Int32(string name) => checked((int)Integer(name));

    public double Decimal(string name) => OptionalDecimal(name) ?? throw Mistyped(name);

    public double? OptionalDecimal(string name) => Optional(name) switch
    {
        null => null,
        ConfigValue.Integer i => i.Value,
        ConfigValue.Decimal d => d.Value,
        _ => throw Mistyped(name),
    };

    public bool Boolean(string name) => Value(name) is ConfigValue.Boolean b ? b.Value : throw Mistyped(name);

    public string Text(string name) => OptionalText(name) ?? throw Mistyped(name);

    public string? OptionalText(string name) => Optional(name) switch
    {
        null => null,
        ConfigValue.Text t => t.Value,
        ConfigValue.Word w => w.Value,
        _ => throw Mistyped(name),
    };

    public TEnum Word<TEnum>(string name) where TEnum : struct, Enum => ConfigWords.Parse<TEnum>(Text(name));

    public TimeSpan Duration(string name) => Value(name) is ConfigValue.Duration d ? d.Value : throw Mistyped(name);

    public IReadOnlyList<string> TextList(string name) => Optional(name) switch
    {
        null => [],
        ConfigValue.List l => l.Items.Select(i => i is ConfigValue.Text t ? t.Value : throw Mistyped(name)).ToList(),
        _ => throw Mistyped(name),
    };

    private static InvalidOperationException Mistyped(string name) => new($"{name} has a value of an unexpected type after validation");
}
