using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

/// <summary>Short builders of config values and value maps for the tests.</summary>
internal static class V
{
    public const string File = "test.lem";

    public static ConfigValue Int(long value) => new ConfigValue.Integer(value);
    public static ConfigValue Dec(double value) => new ConfigValue.Decimal(value);
    public static ConfigValue Bool(bool value) => new ConfigValue.Boolean(value);
    public static ConfigValue Text(string value) => new ConfigValue.Text(value);
    public static ConfigValue Word(string value) => new ConfigValue.Word(value);
    public static ConfigValue Ms(double milliseconds) => new ConfigValue.Duration(TimeSpan.FromMilliseconds(milliseconds));
    public static ConfigValue List(params ConfigValue[] items) => new ConfigValue.List(items);

    public static ConfigValue.Call Call(string name, params ConfigValue[] positional) => new(name, positional, []);

    public static ConfigValue.Call Call(string name, ConfigValue[] positional, params (string Name, ConfigValue Value)[] named) =>
        new(name, positional, named.Select(n => new KeyValuePair<string, ConfigValue>(n.Name, n.Value)).ToList());

    public static ConfigValue.Call Named(string name, params (string Name, ConfigValue Value)[] named) => Call(name, [], named);

    /// <summary>Line N of test.lem for the Nth value.</summary>
    public static Provenance Line(int line) => new Provenance.Assignment(File, line, 3);

    /// <summary>The values as a user would set them, each on its own line (1-based, in order).</summary>
    public static IReadOnlyDictionary<string, ResolvedValue> Set(params (string Name, ConfigValue Value)[] values)
    {
        var map = new Dictionary<string, ResolvedValue>();
        for (var i = 0; i < values.Length; i++) map[values[i].Name] = new ResolvedValue(values[i].Value, Line(i + 1));
        return map;
    }
}
