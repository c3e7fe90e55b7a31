using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>Writes a list of numbers on one line even in indented files (per-token gaps would otherwise take a line each).</summary>
public sealed class CompactNumberListConverter : JsonConverter<IReadOnlyList<double>>
{
    public override IReadOnlyList<double>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of numbers");
        var values = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.GetDouble());
        return values;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<double> value, JsonSerializerOptions options)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < value.Count; i++)
        {
            if (!double.IsFinite(value[i])) throw new JsonException("numbers in a result record must be finite");
            if (i > 0) text.Append(',');
            text.Append(value[i].ToString("R", CultureInfo.InvariantCulture));
        }
        writer.WriteRawValue(text.Append(']').ToString(), skipInputValidation: true);
    }
}
