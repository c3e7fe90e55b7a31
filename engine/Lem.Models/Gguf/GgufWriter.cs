using Lem.Engine;
using System.Text;

namespace Lem.Models.Gguf;

/// <summary>
/// Writes a GGUF v3 file: header, metadata key/values, tensor infos, padding to the alignment, then each tensor's
/// data at an aligned offset. The file is written beside its final path and renamed into place, so an interrupted
/// write leaves no half-written model under the final name.
/// </summary>
public static class GgufWriter
{
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, GgufMetadataValue>> metadata, IReadOnlyList<GgufTensorData> tensors)
    {
        int alignment = metadata.FirstOrDefault(kv => kv.Key == GgufFormat.AlignmentKey).Value is { } a ? (int)a.AsInteger() : GgufFormat.DefaultAlignment;
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentException($"{GgufFormat.AlignmentKey} must be a power of two, not {alignment}", nameof(metadata));
        var duplicate = tensors.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"tensor '{duplicate.Key}' is given twice", nameof(tensors));

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        using var temp = TemporaryFiles.Track(TemporaryFiles.PathBeside(path));
        using (var stream = new FileStream(temp.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            WriteTo(stream, metadata, tensors, alignment);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp.Path, path, overwrite: true);
    }

    private static void WriteTo(Stream stream, IReadOnlyList<KeyValuePair<string, GgufMetadataValue>> metadata, IReadOnlyList<GgufTensorData> tensors, int alignment)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(GgufFormat.Magic);
        writer.Write(GgufFormat.Version);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)value.Type);
            WriteValue(writer, value);
        }
        long offset = 0;
        var offsets = new long[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            WriteString(writer, t.Name);
            writer.Write((uint)t.Dimensions.Length);
            foreach (long d in t.Dimensions)
                writer.Write((ulong)d);
            writer.Write((uint)t.Type);
            offsets[i] = offset;
            writer.Write((ulong)offset);
            offset = GgufFormat.Align(offset + t.ByteLength, alignment);
        }
        writer.Flush();
        long dataStart = GgufFormat.Align(stream.Position, alignment);
        Pad(stream, dataStart);
        for (int i = 0; i < tensors.Count; i++)
        {
            Pad(stream, dataStart + offsets[i]);
            long before = stream.Position;
            tensors[i].WriteData(stream);
            long written = stream.Position - before;
            if (written != tensors[i].ByteLength)
                throw new InvalidOperationException($"tensor '{tensors[i].Name}' wrote {written} bytes, not the {tensors[i].ByteLength} its type and dimensions take");
        }
        Pad(stream, GgufFormat.Align(stream.Position, alignment));
    }

    private static void Pad(Stream stream, long position)
    {
        long count = position - stream.Position;
        if (count > 0)
            stream.Write(new byte[count]);
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufMetadataValue value)
    {
        if (value.Type == GgufValueType.Array)
        {
            var items = (Array)value.Value;
            writer.Write((uint)value.ElementType);
            writer.Write((ulong)items.Length);
            foreach (object item in items)
                WriteScalar(writer, value.ElementType, item);
            return;
        }
        WriteScalar(writer, value.Type, value.Value);
    }

    private static void WriteScalar(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: writer.Write(Convert.ToByte(value)); break;
            case GgufValueType.Int8: writer.Write(Convert.ToSByte(value)); break;
            case GgufValueType.UInt16: writer.Write(Convert.ToUInt16(value)); break;
            case GgufValueType.Int16: writer.Write(Convert.ToInt16(value)); break;
            case GgufValueType.UInt32: writer.Write(Convert.ToUInt32(value)); break;
            case GgufValueType.Int32: writer.Write(Convert.ToInt32(value)); break;
            case GgufValueType.Float32: writer.Write(Convert.ToSingle(value)); break;
            case GgufValueType.Bool: writer.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(writer, (string)value); break;
            case GgufValueType.UInt64: writer.Write(Convert.ToUInt64(value)); break;
            case GgufValueType.Int64: writer.Write(Convert.ToInt64(value)); break;
            case GgufValueType.Float64: writer.Write(Convert.ToDouble(value)); break;
            default: throw new ArgumentException($"GGUF arrays of arrays are not written (type {type})");
        }
    }
}
