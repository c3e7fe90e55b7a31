using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Backend;

/// <summary>
/// A pipeline (layers split over devices in one process) computes exactly what the single-device model computes.
/// Here every stage is "cpu", so the numbers must be bit-identical; the stage crossings (hidden states, positions,
/// masks, write index, per-stage RoPE tables and KV caches, the tied head's copy) all run.
/// </summary>
public sealed class PipelineTests : IDisposable
{
    private const int Layers = 5;
    private readonly TinyPresetFolders _models = new("lem-pipeline-", Layers, seed: 3);

    public void Dispose() => _models.Dispose();

    private string Folder(string arch, bool? tied = null) => _models.Folder(arch, tied);

    private static TorchSharpBackend Backend() => TinyPresetFolders.Backend();

    private static ModelLoadRequest Request(string folder, string[]? pipeline, bool staticDecode = false) =>
        new ModelLoadRequest(folder, "fp32", pipeline?[0] ?? "cpu", new Dictionary<string, object> { [TorchSharpBackend.StaticDecodeOption] = staticDecode })
        {
            PipelineDevices = pipeline,
        };

    public static TheoryData<string, bool?, bool> Families => new()
    {
        { "llama", false, false },
        { "llama", true, true },
        { "qwen3", null, false },
        { "qwen3", null, true },
        { "gpt2", null, false },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Pipeline_over_two_cpu_stages_equals_one_device(string arch, bool? tied, bool staticDecode)
    {
        var folder = Folder(arch, tied);
        using var single = (TorchSharpModel)Backend().Load(Request(folder, null, staticDecode));
        using var pipeline = (TorchSharpModel)Backend().Load(Request(folder, ["cpu", "cpu"], staticDecode));

        var prompt = Enumerable.Range(40, 9).ToArray();
        Assert.Equal(single.PrefillLogitsOf(prompt), pipeline.PrefillLogitsOf(prompt));

        // batched, left-padded, long enough for the decode path (greedy: the tokens are a function of the logits)
        int[][] prompts = [Enumerable.Range(100, 11).ToArray(), Enumerable.Range(7, 4).ToArray(), Enumerable.Range(300, 8).ToArray()];
        var settings = new GenerationSettings(MaxNewTokens: 12, MinNewTokens: 12);
        var expected = single.Generate(prompts, settings);
        var actual = pipeline.Generate(prompts, settings);
        Assert.Equal(expected.OutputTokenIds, actual.OutputTokenIds);
        Assert.Equal(expected.TracedFlops, actual.TracedFlops);

        Assert.Equal("cpu:0-2,cpu:3-4", pipeline.Facts["torchsharp_pipeline_split"]);
        Assert.False(single.Facts.ContainsKey("torchsharp_pipeline_split"));
        Assert.Equal(single.Info.ParameterCount, pipeline.Info.ParameterCount);
    }

    [Fact]
    public void Sampling_with_a_seed_is_the_same_through_a_three_stage_pipeline()
    {
        var folder = Folder("llama");
        using var single = Backend().Load(Request(folder, null));
        using var pipeline = Backend().Load(Request(folder, ["cpu", "cpu", "cpu"]));
        var settings = new GenerationSettings(MaxNewTokens: 10, MinNewTokens: 10, Greedy: false, Temperature: 0.9, TopK: 20, Seed: 11);
        int[][] prompts = [[5, 6, 7, 8], [9, 10]];
        Assert.Equal(single.Generate(prompts, settings).OutputTokenIds, pipeline.Generate(prompts, settings).OutputTokenIds);
        Assert.Equal("cpu:0-1,cpu:2-3,cpu:4-4", pipeline.Facts["torchsharp_pipeline_split"]);
    }

    [Fact]
    public void Layers_sit_on_their_stage()
    {
        using var model = (TorchSharpModel)Backend().Load(Request(Folder("gpt2"), ["cpu", "cpu"]));
        var split = model.Model.Split;
        Assert.True(split.IsPipeline);
        Assert.Equal([(0, 3), (3, 2)], split.Stages.Select(s => (s.FirstLayer, s.LayerCount)));
        Assert.Equal("cpu", model.Info.Device);
        Assert.Equal("off (torchsharp.cuda_graphs = false)", model.Facts["torchsharp_cuda_graphs"]);
    }

    [Theory]
    [InlineData(16, 2, "cuda:0:0-7,cuda:1:8-15")]
    [InlineData(5, 2, "cuda:0:0-2,cuda:1:3-4")]
    [InlineData(7, 3, "cuda:0:0-2,cuda:1:3-4,cuda:2:5-6")]
    [InlineData(28, 4, "cuda:0:0-6,cuda:1:7-13,cuda:2:14-20,cuda:3:21-27")]
    [InlineData(3, 3, "cuda:0:0-0,cuda:1:1-1,cuda:2:2-2")]
    public void Split_is_contiguous_and_as_even_as_possible(int layers, int devices, string expected)
    {
        var split = PipelineSplit.Even(Cuda(devices), layers);
        Assert.Equal(expected, split.Describe());
        Assert.Equal(layers, split.LayerCount);
        Assert.Equal(0, split.DeviceOfLayer(0).index);
        Assert.Equal(devices - 1, split.DeviceOfLayer(layers - 1).index);
        Assert.Equal(devices - 1, split.Last.index);
    }

    [Fact]
    public void Bad_device_lists_are_refused_with_the_remedy()
    {
        var one = Assert.Throws<InferenceException>(() => PipelineSplit.Even(Cuda(1), 16));
        Assert.Contains("at least two devices", one.Message);
        var repeated = Assert.Throws<InferenceException>(() => PipelineSplit.Even([.. Cuda(2), ("cuda:1", new Device(DeviceType.CUDA, 1))], 16));
        Assert.Contains("cuda:1 2 times", repeated.Message);
        Assert.Contains("list each GPU once", repeated.Message);
        var tooMany = Assert.Throws<InferenceException>(() => PipelineSplit.Even(Cuda(6), 5));
        Assert.Contains("the model has 5", tooMany.Message);
        Assert.Contains("at most 5 devices", tooMany.Message);
    }

    [Fact]
    public void The_backend_names_a_bad_pipeline_before_loading_weights()
    {
        var folder = Folder("llama");
        var one = Assert.Throws<InferenceException>(() => Backend().Load(Request(folder, ["cpu"])));
        Assert.Contains("at least two devices", one.Message);
        var tooMany = Assert.Throws<InferenceException>(() => Backend().Load(Request(folder, ["cpu", "cpu", "cpu", "cpu", "cpu", "cpu"])));
        Assert.Contains("at most 5 devices", tooMany.Message);
        var bad = Assert.Throws<InferenceException>(() => Backend().Load(Request(folder, ["cpu", "tpu"])));
        Assert.Contains("device \"tpu\"", bad.Message);
    }

    private static (string, Device)[] Cuda(int count) =>
        Enumerable.Range(0, count).Select(i => ($"cuda:{i}", new Device(DeviceType.CUDA, i))).ToArray();
}
