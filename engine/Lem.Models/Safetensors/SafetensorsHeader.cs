using System.Text;
using System.Text.Json;
using Lem.Engine.Inference;

namespace Lem.Models.Safetensors;

/// <summary>Parses and writes the JSON header of a safetensors file the way Python safetensors (Rust, serde_json) does.</summary>
public static class SafetensorsHeader
{
    /// <summary>Python safetensors refuses headers above 100 MB; so does this reader.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Orders tensors as Python safetensors writes them: dtype rank descending, then name by UTF-8 bytes.</summary>
    public static int CompareForWriting(string nameA, string dtypeA, string nameB, string dtypeB)
    {
        int byType = SafetensorsDType.Rank(dtypeB).CompareTo(SafetensorsDType.Rank(dtypeA));
        return byType != 0 ? byType : CompareUtf8(nameA, nameB);
    }

    internal static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>
    /// The header bytes, padded with spaces to a multiple of 8: <c>__metadata__</c> first (its keys in ordinal order;
    /// Python's are in hash-map order, so only a single key is reproducible), then the entries in the given order.
    /// </summary>
    public static byte[] Serialize(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        bool first = true;
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":{");
            bool firstKey = true;
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!firstKey)
                    json.Append(',');
                firstKey = false;
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
            }
            json.Append('}');
            first = false;
        }
        foreach (var e in entries)
        {
            if (!first)
                json.Append(',');
            first = false;
            AppendString(json, e.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, e.DType);
            json.Append(",\"shape\":[").Append(string.Join(',', e.Shape)).Append("],\"data_offsets\":[");
            json.Append(e.Begin).Append(',').Append(e.End).Append("]}");
        }
        json.Append('}');
        byte[] raw = Encoding.UTF8.GetBytes(json.ToString());
        int padded = (raw.Length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        raw.CopyTo(header, 0);
        header.AsSpan(raw.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>Escapes a string as serde_json does: quotes, backslashes and control characters; other characters as UTF-8.</summary>
    internal static void AppendString(StringBuilder json, string s) => PythonJson.AppendString(json, s, ensureAscii: false);

    /// <summary>Parses a header and checks every entry against the data section length.</summary>
    /// <exception cref="InferenceException">Bad JSON, unknown dtype, bad shape or offsets; the message names the file and tensor.</exception>
    public static (IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string>? Metadata) Parse(ReadOnlySpan<byte> headerBytes, string file, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new InferenceException($"{file}: the safetensors header is not valid JSON ({e.Message}). Remedy: the file is damaged or not safetensors; re-download or re-write it.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(file, "the safetensors header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            Dictionary<string, string>? metadata = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw Bad(file, "__metadata__ is not an object of strings");
                    metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var m in property.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(file, $"__metadata__ value '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(property, file, dataLength));
            }
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(JsonProperty property, string file, long dataLength)
    {
        string name = property.Name;
        var v = property.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offsetsJson) || offsetsJson.ValueKind != JsonValueKind.Array || offsetsJson.GetArrayLength() != 2)
            throw Bad(file, $"tensor '{name}' needs dtype, shape and data_offsets [begin, end]");
        string dtype = dtypeJson.GetString()!;
        int size;
        try
        {
            size = SafetensorsDType.Size(dtype);
        }
        catch (InferenceException)
        {
            throw Bad(file, $"tensor '{name}' has unknown dtype '{dtype}'");
        }
        long[] shape = shapeJson.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long n) && n >= 0 ? n : -1).ToArray();
        if (shape.Any(d => d < 0))
            throw Bad(file, $"tensor '{name}' has a shape that is not a list of non-negative integers");
        long[] offsets = offsetsJson.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long n) && n >= 0 ? n : -1).ToArray();
        if (offsets.Any(o => o < 0))
            throw Bad(file, $"tensor '{name}' has data_offsets that are not non-negative integers");
        var entry = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        long expected;
        try
        {
            expected = checked(entry.ElementCount * size);
        }
        catch (OverflowException)
        {
            throw Bad(file, $"tensor '{name}' has a shape too large to address");
        }
        if (entry.End < entry.Begin || entry.End > dataLength)
            throw Bad(file, $"tensor '{name}' has data_offsets [{entry.Begin}, {entry.End}] outside the data section of {dataLength} bytes");
        if (entry.ByteLength != expected)
            throw Bad(file, $"tensor '{name}' has data_offsets covering {entry.ByteLength} bytes but {dtype} {FormatShape(shape)} needs {expected}");
        return entry;
    }

    internal static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static InferenceException Bad(string file, string what) =>
        new($"{file}: {what}. Remedy: the file is damaged or not safetensors; re-download or re-write it.");
}
