using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lem.Engine.Config;

/// <summary>The registry as <c>lem config params</c> prints it: an aligned text table, or JSON.</summary>
public static class ParameterTable
{
    private static readonly string[] Header = ["NAME", "TYPE", "DEFAULT", "ALLOWED/RANGE", "UNIT", "BACKENDS", "HELP"];

    /// <summary>One row per parameter with aligned columns (help last, unwrapped), then the arguments of the calls <c>model</c> and <c>prompts</c> take.</summary>
    public static string ToText(ParameterRegistry registry) => ToText(registry.All);

    internal static string ToText(IReadOnlyList<ParameterDefinition> definitions)
    {
        var rows = new List<string[]> { Header };
        rows.AddRange(definitions.Select(d => new[]
        {
            d.Name,
            ValueText.TypeName(d.Kind),
            DefaultText(d),
            AllowedText(d),
            d.Unit ?? "-",
            d.BackendsOrAll.Count == 0 ? "all" : string.Join(",", d.BackendsOrAll),
            d.Help,
        }));
        var widths = Enumerable.Range(0, Header.Length - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var c = 0; c < widths.Length; c++) text.Append(row[c].PadRight(widths[c])).Append("  ");
            text.Append(row[^1]).Append('\n');
        }

        foreach (var definition in definitions)
        {
            foreach (var signature in CallCatalogue.For(definition.Kind))
            {
                text.Append('\n').Append(definition.Name).Append(" = ").Append(signature.Synopsis).Append(": ").Append(signature.Help).Append('\n');
                foreach (var argument in signature.Arguments)
                {
                    var details = new List<string> { ValueText.TypeName(argument.Kind) };
                    if (argument.Required) details.Add("required");
                    if (argument.Default is not null) details.Add("default " + argument.Default);
                    if (argument.AllowedValuesOrEmpty.Count > 0) details.Add(string.Join("|", argument.AllowedValuesOrEmpty));
                    if (ValueText.CompactRange(argument.Kind, argument.Min, argument.Max) is { } range) details.Add(range);
                    if (argument.Unit is not null) details.Add(argument.Unit);
                    text.Append("  ").Append(argument.Name).Append(" (").Append(string.Join(", ", details)).Append("): ").Append(argument.Help).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// A JSON array, one object per parameter: name, type, default, allowed, min, max, unit, backends, help; and for
    /// <c>model</c> and <c>prompts</c> the accepted calls with their arguments. Duration defaults and bounds are duration texts ("100ms").
    /// </summary>
    public static string ToJson(ParameterRegistry registry) => ToJson(registry.All);

    internal static string ToJson(IReadOnlyList<ParameterDefinition> definitions)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var d in definitions)
            {
                json.WriteStartObject();
                json.WriteString("name", d.Name);
                json.WriteString("type", ValueText.TypeName(d.Kind));
                json.WritePropertyName("default");
                WriteValue(json, d.Default);
                json.WritePropertyName("allowed");
                var calls = CallCatalogue.For(d.Kind);
                WriteStrings(json, d.AllowedValuesOrEmpty.Count > 0 ? d.AllowedValuesOrEmpty : calls.Count > 0 ? calls.Select(c => c.Name).ToList() : null);
                WriteBound(json, "min", d.Kind, d.Min);
                WriteBound(json, "max", d.Kind, d.Max);
                WriteNullableString(json, "unit", d.Unit);
                json.WritePropertyName("backends");
                WriteStrings(json, d.BackendsOrAll);
                json.WriteString("help", d.Help);
                if (calls.Count > 0)
                {
                    json.WriteStartArray("calls");
                    foreach (var call in calls) WriteCall(json, call);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteCall(Utf8JsonWriter json, CallSignature call)
    {
        json.WriteStartObject();
        json.WriteString("name", call.Name);
        json.WriteString("synopsis", call.Synopsis);
        json.WriteString("help", call.Help);
        json.WriteStartArray("arguments");
        foreach (var argument in call.Arguments)
        {
            json.WriteStartObject();
            json.WriteString("name", argument.Name);
            json.WriteBoolean("positional", call.Positional.Contains(argument));
            json.WriteString("type", ValueText.TypeName(argument.Kind));
            json.WriteBoolean("required", argument.Required);
            json.WritePropertyName("default");
            WriteValue(json, argument.Default);
            json.WritePropertyName("allowed");
            WriteStrings(json, argument.AllowedValues);
            WriteBound(json, "min", argument.Kind, argument.Min);
            WriteBound(json, "max", argument.Kind, argument.Max);
            WriteNullableString(json, "unit", argument.Unit);
            json.WriteString("help", argument.Help);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Numbers and booleans as JSON numbers and booleans; words, texts, durations and calls as strings as written; lists as arrays.</summary>
    private static void WriteValue(Utf8JsonWriter json, ConfigValue? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case ConfigValue.Integer i: json.WriteNumberValue(i.Value); break;
            case ConfigValue.Decimal d: json.WriteNumberValue(d.Value); break;
            case ConfigValue.Boolean b: json.WriteBooleanValue(b.Value); break;
            case ConfigValue.Text t: json.WriteStringValue(t.Value); break;
            case ConfigValue.Word w: json.WriteStringValue(w.Value); break;
            case ConfigValue.List l:
                json.WriteStartArray();
                foreach (var item in l.Items) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, IReadOnlyList<string>? values)
    {
        if (values is null) { json.WriteNullValue(); return; }
        json.WriteStartArray();
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static void WriteBound(Utf8JsonWriter json, string name, ParameterKind kind, double? bound)
    {
        if (bound is null) json.WriteNull(name);
        else if (kind == ParameterKind.Duration) json.WriteString(name, DurationText.Format(TimeSpan.FromSeconds(bound.Value)));
        else if (bound.Value >= long.MaxValue) json.WriteNumber(name, long.MaxValue);
        else json.WriteNumber(name, bound.Value);
    }

    private static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static string DefaultText(ParameterDefinition definition) =>
        definition.Default?.ToString() ?? (definition.Name.StartsWith("decoder.", StringComparison.Ordinal) && definition.Name != ConfigResolver.PresetParameter ? "(preset)" : "-");

    private static string AllowedText(ParameterDefinition definition)
    {
        if (definition.AllowedValuesOrEmpty.Count > 0) return string.Join("|", definition.AllowedValuesOrEmpty);
        var calls = CallCatalogue.For(definition.Kind);
        if (calls.Count > 0) return (definition.Kind == ParameterKind.Model ? "\"PATH\"|" : "") + string.Join("|", calls.Select(c => c.Name + "(..)"));
        return ValueText.CompactRange(definition.Kind, definition.Min, definition.Max) ?? "-";
    }
}
