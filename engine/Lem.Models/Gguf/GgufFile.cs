using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Lem.Engine.Inference;

namespace Lem.Models.Gguf;

/// <summary>
/// A GGUF file's header, metadata and tensor infos (v2 and v3), and its float tensors on request: enough to check what
/// a writer wrote and to size a quantized model's weights. Tensor data stays on disk until read.
/// </summary>
public sealed class GgufFile
{
    private readonly Dictionary<string, GgufMetadataValue> _byKey;
    private readonly Dictionary<string, GgufTensorInfo> _tensorByName;

    public string Path { get; }
    public uint Version { get; }
    public IReadOnlyList<KeyValuePair<string, GgufMetadataValue>> Metadata { get; }
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }
    public int Alignment { get; }
    /// <summary>Byte offset of the data section in the file.</summary>
    public long DataStart { get; }

    private GgufFile(string path, uint version, List<KeyValuePair<string, GgufMetadataValue>> metadata, List<GgufTensorInfo> tensors, int alignment, long dataStart)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataStart = dataStart;
        _byKey = metadata.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        _tensorByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public GgufMetadataValue? this[string key] => _byKey.GetValueOrDefault(key);

    public GgufTensorInfo? Tensor(string name) => _tensorByName.GetValueOrDefault(name);

    /// <summary>Bytes of all tensor data (no padding): what the weights take at their stored types.</summary>
    public long TensorBytes => Tensors.Sum(t => t.ByteLength);

    /// <summary>Whether the file starts with the GGUF magic.</summary>
    public static bool HasMagic(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return stream.Read(head) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == GgufFormat.Magic;
    }

    /// <exception cref="InferenceException">The file is missing, not a GGUF file, or its header is malformed.</exception>
    public static GgufFile Open(string path)
    {
        if (!File.Exists(path))
            throw new InferenceException($"GGUF file {path} does not exist. Remedy: check the path (relative paths are from the script's folder), or write one with `lem model synth --format gguf` or `lem model convert --to gguf`.");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (stream.Length < 24 || reader.ReadUInt32() != GgufFormat.Magic)
                throw new InferenceException($"{path} is not a GGUF file (no GGUF magic at its start). Remedy: give a .gguf model file, or convert a Hugging Face folder with `lem model convert --to gguf`.");
            uint version = reader.ReadUInt32();
            if (version is < 2 or > 3)
                throw new InferenceException($"{path} is GGUF version {version}; lem reads versions 2 and 3. Remedy: re-convert the model with a current converter.");
            long tensorCount = checked((long)reader.ReadUInt64());
            long kvCount = checked((long)reader.ReadUInt64());
            var metadata = new List<KeyValuePair<string, GgufMetadataValue>>();
            for (long i = 0; i < kvCount; i++)
            {
                string key = ReadString(reader);
                var type = (GgufValueType)reader.ReadUInt32();
                metadata.Add(new(key, ReadValue(reader, type)));
            }
            var tensors = new List<GgufTensorInfo>();
            for (long i = 0; i < tensorCount; i++)
            {
                string name = ReadString(reader);
                uint dims = reader.ReadUInt32();
                if (dims > 8)
                    throw new InvalidDataException($"tensor '{name}' has {dims} dimensions");
                var shape = new long[dims];
                for (int d = 0; d < dims; d++)
                    shape[d] = checked((long)reader.ReadUInt64());
                var tensorType = (GgufTensorType)reader.ReadUInt32();
                long offset = checked((long)reader.ReadUInt64());
                tensors.Add(new GgufTensorInfo(name, shape, tensorType, offset));
            }
            int alignment = metadata.FirstOrDefault(kv => kv.Key == GgufFormat.AlignmentKey).Value is { } a ? (int)a.AsInteger() : GgufFormat.DefaultAlignment;
            long dataStart = GgufFormat.Align(stream.Position, alignment);
            var file = new GgufFile(path, version, metadata, tensors, alignment, dataStart);
            foreach (var t in tensors.Where(t => GgufTensorTypes.IsKnown(t.Type)))
                if (dataStart + t.Offset + t.ByteLength > stream.Length)
                    throw new InvalidDataException($"tensor '{t.Name}' ends past the end of the file");
            return file;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or DecoderFallbackException or ArgumentException)
        {
            throw new InferenceException($"{path} is not a valid GGUF file ({e.Message}). Remedy: the file is truncated or corrupt; write or download it again.", e);
        }
    }

    /// <summary>The values of an F32, F16 or BF16 tensor as float32, in ggml order (innermost dimension fastest).</summary>
    public float[] ReadFloats(string name)
    {
        var t = Tensor(name) ?? throw new ArgumentException($"{Path} has no tensor '{name}'", nameof(name));
        int elementBytes = t.Type switch
        {
            GgufTensorType.F32 => 4,
            GgufTensorType.F16 or GgufTensorType.BF16 => 2,
            _ => throw new NotSupportedException($"tensor '{name}' is {t.Type}; only F32, F16 and BF16 tensors are read as floats"),
        };
        var bytes = new byte[checked((int)t.ByteLength)];
        using (var stream = File.OpenRead(Path))
        {
            stream.Position = DataStart + t.Offset;
            stream.ReadExactly(bytes);
        }
        var values = new float[t.ElementCount];
        if (t.Type == GgufTensorType.F32)
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        else if (t.Type == GgufTensorType.F16)
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i));
        else
            for (int i = 0; i < values.Length; i++)
                values[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i)) << 16);
        return values;
    }

    private static string ReadString(BinaryReader reader)
    {
        long length = checked((long)reader.ReadUInt64());
        if (length > int.MaxValue / 2)
            throw new InvalidDataException($"a string of {length} bytes");
        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static GgufMetadataValue ReadValue(BinaryReader reader, GgufValueType type)
    {
        if (type != GgufValueType.Array)
            return new GgufMetadataValue(type, ReadScalar(reader, type));
        var elementType = (GgufValueType)reader.ReadUInt32();
        long count = checked((long)reader.ReadUInt64());
        if (count > int.MaxValue)
            throw new InvalidDataException($"an array of {count} elements");
        Array items = elementType switch
        {
            GgufValueType.UInt8 => new byte[count], GgufValueType.Int8 => new sbyte[count],
            GgufValueType.UInt16 => new ushort[count], GgufValueType.Int16 => new short[count],
            GgufValueType.UInt32 => new uint[count], GgufValueType.Int32 => new int[count],
            GgufValueType.Float32 => new float[count], GgufValueType.Bool => new bool[count],
            GgufValueType.String => new string[count], GgufValueType.UInt64 => new ulong[count],
            GgufValueType.Int64 => new long[count], GgufValueType.Float64 => new double[count],
            _ => throw new InvalidDataException($"an array of element type {(uint)elementType}"),
        };
        for (int i = 0; i < count; i++)
            items.SetValue(ReadScalar(reader, elementType), i);
        return new GgufMetadataValue(GgufValueType.Array, items, elementType);
    }

    private static object ReadScalar(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        _ => throw new InvalidDataException($"metadata value type {(uint)type}"),
    };
}
