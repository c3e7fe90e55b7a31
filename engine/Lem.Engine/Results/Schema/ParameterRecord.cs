using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lem.Engine.Config;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// One resolved parameter in a record: its value as JSON and where it came from (<see cref="Provenance"/> as text).
/// Same shape as <c>lem plan --json</c>: <c>{"value": 8, "from": "paper.lem:12"}</c>.
/// </summary>
public sealed record ParameterRecord(JsonNode? Value, string From)
{
    public static ParameterRecord Of(ResolvedValue resolved) => new(ToJson(resolved.Value), resolved.From.ToString());

    /// <summary>A record's config section from resolved parameters, keeping their order.</summary>
    public static IReadOnlyDictionary<string, ParameterRecord> OfAll(IEnumerable<KeyValuePair<string, ResolvedValue>> resolved)
    {
        var config = new Dictionary<string, ParameterRecord>(StringComparer.Ordinal);
        foreach (var (name, value) in resolved) config[name] = Of(value);
        return config;
    }

    /// <summary>
    /// Integers and decimals become JSON numbers, booleans JSON booleans, lists JSON arrays; text and bare words
    /// become strings; durations and calls become their written form (<c>30s</c>, <c>synthetic(count = 8, input_tokens = 32)</c>).
    /// </summary>
    public static JsonNode? ToJson(ConfigValue value) => value switch
    {
        ConfigValue.Integer i => JsonValue.Create(i.Value),
        ConfigValue.Decimal d => JsonValue.Create(d.Value),
        ConfigValue.Boolean b => JsonValue.Create(b.Value),
        ConfigValue.Text t => JsonValue.Create(t.Value),
        ConfigValue.Word w => JsonValue.Create(w.Value),
        ConfigValue.List l => new JsonArray(l.Items.Select(ToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>The value as one line of text for tables and CSV: strings unquoted, numbers invariant, others as JSON.</summary>
    public string ValueText() => Text(Value);

    public static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>The value as a number when it is a JSON number; null otherwise.</summary>
    public static double? Number(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;
}
