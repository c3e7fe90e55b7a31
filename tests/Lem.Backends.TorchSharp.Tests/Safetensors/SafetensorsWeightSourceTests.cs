using Lem.Models.Safetensors;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Inference;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Tests.Safetensors;

public sealed class SafetensorsWeightSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-ws-").FullName;

    private static SafetensorsTensor FromTorch(string name, torch.Tensor t) =>
        SafetensorsTensor.FromBytes(name, SafetensorsTorchTypes.FromScalarType(t.dtype), t.shape, t.bytes.ToArray());

    private static torch.Tensor Sample(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Bool => torch.tensor(new[] { true, false, true, true, false, true }).reshape(2, 3),
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Int16 or torch.ScalarType.Int32 or torch.ScalarType.Int64 =>
            (torch.arange(-3, 3, torch.ScalarType.Int64) * (type == torch.ScalarType.Byte ? -40 : 1000)).to(type).reshape(2, 3),
        _ => (torch.arange(6, torch.ScalarType.Float64) * 0.37 - 1.1).to(type).reshape(2, 3),
    };

    public static TheoryData<string> AllDTypes() => [.. SafetensorsDType.Supported];

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Every_dtype_round_trips(string dtype)
    {
        var type = SafetensorsTorchTypes.ToScalarType(dtype);
        using var original = Sample(type);
        SafetensorsCheckpointWriter.Write(_dir, [FromTorch("t", original)]);

        using var source = SafetensorsWeightSource.Open(_dir);
        Assert.Equal(new WeightInfoView("t", [2, 3], dtype), WeightInfoView.Of(source.Info("t")));
        using var loaded = source.Load("t", type, torch.CPU);
        Assert.Equal(type, loaded.dtype);
        Assert.True(Same(original, loaded));
    }

    [Fact]
    public void Load_converts_the_stored_dtype()
    {
        using var original = torch.tensor(new[] { 1.0f, -0.5f, 3.25f, 1e-3f });
        SafetensorsCheckpointWriter.Write(_dir, [FromTorch("w", original)]);
        using var source = SafetensorsWeightSource.Open(_dir);

        using var bf16 = source.Load("w", torch.ScalarType.BFloat16, torch.CPU);

        Assert.Equal(torch.ScalarType.BFloat16, bf16.dtype);
        using var expected = original.to(torch.ScalarType.BFloat16);
        Assert.True(Same(expected, bf16));
    }

    [Fact]
    public void Large_tensors_are_read_in_chunks()
    {
        long saved = SafetensorsWeightSource.ChunkBytes;
        SafetensorsWeightSource.ChunkBytes = 12; // 3 floats per read, 1000 elements: many chunks and a short last one
        try
        {
            using var original = torch.randn(10, 100);
            SafetensorsCheckpointWriter.Write(_dir, [FromTorch("big", original)]);
            using var source = SafetensorsWeightSource.Open(_dir);
            using var loaded = source.Load("big", torch.ScalarType.Float32, torch.CPU);
            Assert.True(Same(original, loaded));
        }
        finally
        {
            SafetensorsWeightSource.ChunkBytes = saved;
        }
    }

    [Fact]
    public void Sharded_checkpoint_round_trips_through_the_index()
    {
        var tensors = Enumerable.Range(0, 5).Select(i => (Name: $"layers.{i}.w", T: torch.full(4, 4, i + 0.5f))).ToList();
        // 64 bytes each; a 150-byte limit puts two per shard: 3 shards.
        var files = SafetensorsCheckpointWriter.Write(_dir, tensors.Select(t => FromTorch(t.Name, t.T)).ToList(), maxShardBytes: 150);

        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json"], files);
        Assert.False(File.Exists(Path.Combine(_dir, "model.safetensors")));
        string index = File.ReadAllText(Path.Combine(_dir, "model.safetensors.index.json"));
        Assert.Equal("{\n  \"metadata\": {\n    \"total_size\": 320\n  },\n  \"weight_map\": {\n"
            + "    \"layers.0.w\": \"model-00001-of-00003.safetensors\",\n    \"layers.1.w\": \"model-00001-of-00003.safetensors\",\n"
            + "    \"layers.2.w\": \"model-00002-of-00003.safetensors\",\n    \"layers.3.w\": \"model-00002-of-00003.safetensors\",\n"
            + "    \"layers.4.w\": \"model-00003-of-00003.safetensors\"\n  }\n}\n", index);

        using var source = SafetensorsWeightSource.Open(_dir);
        Assert.Equal(5, source.Names.Count);
        Assert.EndsWith("model-00002-of-00003.safetensors", source.Info("layers.3.w").File);
        foreach (var (name, t) in tensors)
        {
            using var loaded = source.Load(name, torch.ScalarType.Float32, torch.CPU);
            Assert.True(Same(t, loaded));
        }
    }

    [Fact]
    public void Split_gives_an_oversized_tensor_its_own_shard()
    {
        SafetensorsTensor T(string n, int floats) => SafetensorsTensor.FromBytes(n, "F32", [floats], new byte[floats * 4]);
        var shards = SafetensorsCheckpointWriter.Split([T("a", 10), T("huge", 100), T("b", 10), T("c", 20)], maxShardBytes: 100);
        Assert.Equal([["huge"], ["a", "b"], ["c"]], shards.Select(s => s.Select(t => t.Name).ToArray()).ToArray());
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        SafetensorsCheckpointWriter.Write(_dir, [SafetensorsTensor.FromBytes("a", "U8", [1], [1])]);
        using var source = SafetensorsWeightSource.Open(_dir);
        var e = Assert.Throws<InferenceException>(() => source.Load("model.norm.weight", torch.ScalarType.Float32, torch.CPU));
        Assert.StartsWith("tensor 'model.norm.weight' is not in the checkpoint at ", e.Message);
    }

    [Fact]
    public void A_missing_shard_is_named_with_a_tensor_it_holds()
    {
        SafetensorsCheckpointWriter.Write(_dir, [SafetensorsTensor.FromBytes("a", "F32", [8], new byte[32]), SafetensorsTensor.FromBytes("b", "F32", [8], new byte[32])], maxShardBytes: 40);
        File.Delete(Path.Combine(_dir, "model-00002-of-00002.safetensors"));
        var e = Assert.Throws<InferenceException>(() => SafetensorsWeightSource.Open(_dir).Dispose());
        Assert.StartsWith("shard model-00002-of-00002.safetensors (holding tensor 'b') named by ", e.Message);
    }

    [Fact]
    public void A_folder_without_weights_says_what_is_needed()
    {
        var e = Assert.Throws<InferenceException>(() => SafetensorsWeightSource.Open(_dir).Dispose());
        Assert.Contains("has neither model.safetensors nor model.safetensors.index.json", e.Message);
    }

    private sealed record WeightInfoView(string Name, string Shape, string DType)
    {
        public WeightInfoView(string name, long[] shape, string dtype) : this(name, string.Join(",", shape), dtype) { }
        public static WeightInfoView Of(Lem.Backends.TorchSharp.Loading.WeightInfo i) => new(i.Name, i.Shape, i.DType);
    }

    private static bool Same(torch.Tensor a, torch.Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
