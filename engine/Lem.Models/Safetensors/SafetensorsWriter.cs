using Lem.Engine.Inference;

namespace Lem.Models.Safetensors;

/// <summary>Writes one safetensors file byte for byte as Python safetensors' <c>save_file</c> does.</summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (any order; they are ordered by dtype rank descending, then name) with
    /// an optional <c>__metadata__</c> (transformers writes <c>{"format": "pt"}</c>).
    /// </summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in ordered)
        {
            if (!seen.Add(t.Name))
                throw new InferenceException($"tensor '{t.Name}' is given twice for {path}. Remedy: give each tensor name once.");
            if (t.Shape.Any(d => d < 0))
                throw new InferenceException($"tensor '{t.Name}' has a negative dimension in {SafetensorsHeader.FormatShape(t.Shape)}.");
        }
        ordered.Sort((a, b) => SafetensorsHeader.CompareForWriting(a.Name, a.DType, b.Name, b.DType));

        var entries = new List<SafetensorsEntry>(ordered.Count);
        long offset = 0;
        foreach (var t in ordered)
        {
            long n = t.ByteLength;
            entries.Add(new SafetensorsEntry(t.Name, t.DType, t.Shape, offset, offset + n));
            offset += n;
        }
        byte[] header = SafetensorsHeader.Serialize(entries, metadata);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write(BitConverter.GetBytes((ulong)header.Length));
        file.Write(header);
        for (int i = 0; i < ordered.Count; i++)
        {
            long before = file.Position;
            ordered[i].WriteData(file);
            long written = file.Position - before;
            if (written != entries[i].ByteLength)
                throw new InvalidOperationException($"tensor '{ordered[i].Name}' wrote {written} bytes, expected {entries[i].ByteLength} ({ordered[i].DType} {SafetensorsHeader.FormatShape(ordered[i].Shape)})");
        }
    }
}
