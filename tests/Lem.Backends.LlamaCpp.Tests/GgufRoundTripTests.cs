using System.Runtime.InteropServices;
using Lem.Engine.Inference;
using Lem.Models.Gguf;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>The GGUF container: what the writer writes, the reader reads back, byte for byte where it matters.</summary>
public sealed class GgufRoundTripTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lem-gguf-").FullName;

    private static GgufTensorData Floats(string name, long[] dims, float[] values) =>
        new(name, dims, GgufTensorType.F32, s => s.Write(MemoryMarshal.AsBytes(values.AsSpan())));

    [Fact]
    public void Metadata_and_tensors_read_back_as_written()
    {
        string path = Path.Combine(_root, "x.gguf");
        var metadata = new List<KeyValuePair<string, GgufMetadataValue>>
        {
            new("general.architecture", GgufMetadataValue.Of("llama")),
            new("a.u32", GgufMetadataValue.Of(7u)),
            new("a.i32", GgufMetadataValue.Of(-3)),
            new("a.f32", GgufMetadataValue.Of(0.25f)),
            new("a.bool", GgufMetadataValue.Of(true)),
            new("a.u64", new GgufMetadataValue(GgufValueType.UInt64, 1UL << 40)),
            new("a.f64", new GgufMetadataValue(GgufValueType.Float64, 1e-300)),
            new("a.strings", GgufMetadataValue.Of(["x", "ĠĊ", ""])),
            new("a.ints", GgufMetadataValue.Of([1, -2, 3])),
        };
        float[] a = [1f, -2f, 3.5f, 0f, 5f, 6f], b = [0.125f, -1f, 2f];
        var q8 = new byte[34]; // one Q8_0 block: fp16 scale + 32 int8
        q8[0] = 0x00; q8[1] = 0x3C; q8[2] = 0x7F;
        var half = new byte[6];
        for (int i = 0; i < 3; i++)
            BitConverter.TryWriteBytes(half.AsSpan(2 * i), (Half)b[i]);
        var tensors = new List<GgufTensorData>
        {
            Floats("a.weight", [3, 2], a),
            new("b.weight", [3], GgufTensorType.F16, s => s.Write(half)),
            new("q.weight", [32], GgufTensorType.Q8_0, s => s.Write(q8)),
            Floats("c.weight", [1], [42f]),
        };
        GgufWriter.Write(path, metadata, tensors);

        var file = GgufFile.Open(path);
        Assert.Equal(3u, file.Version);
        Assert.Equal(metadata.Select(kv => kv.Key), file.Metadata.Select(kv => kv.Key));
        Assert.Equal("llama", file["general.architecture"]!.AsString());
        Assert.Equal(7, file["a.u32"]!.AsInteger());
        Assert.Equal(-3, file["a.i32"]!.AsInteger());
        Assert.Equal(0.25, file["a.f32"]!.AsNumber());
        Assert.Equal(true, file["a.bool"]!.Value);
        Assert.Equal(1L << 40, file["a.u64"]!.AsInteger());
        Assert.Equal(1e-300, file["a.f64"]!.AsNumber());
        Assert.Equal(new[] { "x", "ĠĊ", "" }, (string[])file["a.strings"]!.Value);
        Assert.Equal(new[] { 1, -2, 3 }, (int[])file["a.ints"]!.Value);

        Assert.Equal(["a.weight", "b.weight", "q.weight", "c.weight"], file.Tensors.Select(t => t.Name));
        Assert.All(file.Tensors, t => Assert.Equal(0, (file.DataStart + t.Offset) % GgufFormat.DefaultAlignment));
        Assert.Equal(new long[] { 3, 2 }, file.Tensor("a.weight")!.Dimensions);
        Assert.Equal(a, file.ReadFloats("a.weight"));
        Assert.Equal(b, file.ReadFloats("b.weight"));
        Assert.Equal(42f, Assert.Single(file.ReadFloats("c.weight")));
        Assert.Equal(34, file.Tensor("q.weight")!.ByteLength);
        Assert.Equal(24 + 6 + 34 + 4, file.TensorBytes);
        using var raw = File.OpenRead(path);
        raw.Position = file.DataStart + file.Tensor("q.weight")!.Offset;
        var back = new byte[34];
        raw.ReadExactly(back);
        Assert.Equal(q8, back);
    }

    [Fact]
    public void A_tensor_that_writes_the_wrong_length_leaves_no_file()
    {
        string path = Path.Combine(_root, "bad.gguf");
        var ex = Assert.Throws<InvalidOperationException>(() => GgufWriter.Write(path, [],
            [new GgufTensorData("t", [4], GgufTensorType.F32, s => s.Write(new byte[12]))]));
        Assert.Contains("'t' wrote 12 bytes", ex.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void A_file_without_the_magic_is_refused_with_its_name()
    {
        string path = Path.Combine(_root, "not.gguf");
        File.WriteAllText(path, "this is not a model file at all, just text");
        var ex = Assert.Throws<InferenceException>(() => GgufFile.Open(path));
        Assert.Contains("not.gguf is not a GGUF file", ex.Message);
        Assert.Contains("Remedy", ex.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        string path = Path.Combine(_root, "cut.gguf");
        GgufWriter.Write(path, [new("general.architecture", GgufMetadataValue.Of("llama"))], [Floats("t", [1024], new float[1024])]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var ex = Assert.Throws<InferenceException>(() => GgufFile.Open(path));
        Assert.Contains("not a valid GGUF file", ex.Message);
    }

    [Fact]
    public void Bits_per_weight_of_the_block_types()
    {
        Assert.Equal(8.5, GgufTensorTypes.BitsPerWeight(GgufTensorType.Q8_0));
        Assert.Equal(4.5, GgufTensorTypes.BitsPerWeight(GgufTensorType.Q4_0));
        Assert.Equal(4.5, GgufTensorTypes.BitsPerWeight(GgufTensorType.Q4_K));
        Assert.Equal(6.5625, GgufTensorTypes.BitsPerWeight(GgufTensorType.Q6_K));
        Assert.Equal(144 * 4, GgufTensorTypes.ByteLength(GgufTensorType.Q4_K, 1024));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
