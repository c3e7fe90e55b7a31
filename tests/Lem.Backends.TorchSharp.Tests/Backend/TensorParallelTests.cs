using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Models;
using Lem.Models.Synthetic;
using Lem.Engine.Inference;
using Xunit.Abstractions;

namespace Lem.Backends.TorchSharp.Tests.Backend;

/// <summary>
/// A tensor split (every layer's heads and MLP units split over devices in one process, summed after each half) computes
/// what the single-device model computes. Here every rank is "cpu" and the sum is the in-process one (the path every
/// CUDA split without NCCL takes too). A row-parallel product sums its inputs in another order than the whole product,
/// so logits agree within fp32 rounding — at most <see cref="LogitTolerance"/> apart, where they are of order 1 (seen:
/// up to 4.2e-7, a few units in the last place) — and the greedy tokens are identical.
/// </summary>
public sealed class TensorParallelTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The largest difference allowed between a split model's logits and one device's (logits below 1): 16 units in the last place of fp32 at 1.0 (ε = 1.2e-7).</summary>
    public const float LogitTolerance = 2e-6f;

    private readonly TinyPresetFolders _models = new("lem-tensor-", layers: 3, seed: 5);

    public void Dispose() => _models.Dispose();

    /// <summary>The family's tiny preset with 3 layers; "llama-8h" has 8 heads and 4 key/value heads (a split over 4 ranks).</summary>
    private string Folder(string name, bool? tied = null) =>
        name == "llama-8h"
            ? _models.Folder("llama", tied, "-8h", p => p with { Heads = 8, KvHeads = 4, HeadDim = 8 })
            : _models.Folder(name, tied);

    private static TorchSharpBackend Backend() => TinyPresetFolders.Backend();

    private static ModelLoadRequest Request(string folder, string[]? tensor, bool staticDecode = false) =>
        new ModelLoadRequest(folder, "fp32", tensor?[0] ?? "cpu", new Dictionary<string, object> { [TorchSharpBackend.StaticDecodeOption] = staticDecode })
        {
            TensorDevices = tensor,
        };

    private static string[] Cpus(int ranks) => Enumerable.Repeat("cpu", ranks).ToArray();

    public static TheoryData<string, bool?, int, bool> Splits => new()
    {
        { "llama", false, 2, false },
        { "llama", true, 2, true },
        { "llama-8h", null, 4, false },
        { "mistral", null, 2, false },
        { "qwen2", null, 2, true }, // q/k/v biases, tied head
        { "qwen3", null, 2, false }, // q/k norms
        { "gpt2", null, 2, false }, // fused c_attn and c_fc, learned positions
        { "gpt2", null, 4, true },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void A_tensor_split_over_cpu_ranks_computes_what_one_device_computes(string name, bool? tied, int ranks, bool staticDecode)
    {
        var folder = Folder(name, tied);
        using var single = (TorchSharpModel)Backend().Load(Request(folder, null, staticDecode));
        using var split = (TorchSharpModel)Backend().Load(Request(folder, Cpus(ranks), staticDecode));
        Assert.Equal(ranks, split.Model.TensorSplit!.Count);

        // prefill logits of every position, within fp32 rounding
        var prompt = Enumerable.Range(40, 9).ToArray();
        var expected = PrefillLogits.OfEveryPosition(single.Model, prompt);
        var actual = PrefillLogits.OfEveryPosition(split.Model, prompt);
        Assert.Equal(prompt.Length * single.Info.VocabSize, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"{name} over {ranks} ranks: logits (largest {expected.Max(Math.Abs):F3}) differ by up to {worst:E2}");
        Assert.True(worst <= LogitTolerance, $"logits differ by up to {worst:E2} (tolerance {LogitTolerance:E1})");
        Assert.InRange(expected.Max(Math.Abs), 0.05f, 1f); // the tolerance is meant for logits below 1

        // greedy tokens, 32 steps: batched (left-padded) and one prompt at a time
        int[][] prompts = [Enumerable.Range(100, 11).ToArray(), Enumerable.Range(7, 4).ToArray(), Enumerable.Range(300, 8).ToArray()];
        var settings = new GenerationSettings(MaxNewTokens: 32, MinNewTokens: 32);
        var expectedBatch = single.Generate(prompts, settings);
        var actualBatch = split.Generate(prompts, settings);
        Assert.Equal(expectedBatch.OutputTokenIds, actualBatch.OutputTokenIds);
        Assert.Equal(expectedBatch.TracedFlops, actualBatch.TracedFlops); // the ranks' products add up to the whole model's
        foreach (var p in prompts[..2])
            Assert.Equal(single.Generate([p], settings).OutputTokenIds, split.Generate([p], settings).OutputTokenIds);

        Assert.Equal(single.Info.ParameterCount, split.Info.ParameterCount);
        Assert.Equal("cpu", split.Info.Device);
    }

    [Fact]
    public void The_record_names_the_split_and_the_sum()
    {
        var folder = Folder("qwen3");
        using var single = (TorchSharpModel)Backend().Load(Request(folder, null));
        using var split = (TorchSharpModel)Backend().Load(Request(folder, Cpus(2)));
        Assert.Equal("cpu:heads 0-1 kv 0-0,cpu:heads 2-3 kv 1-1", split.Facts["torchsharp_tensor_split"]);
        var reduce = (string)split.Facts["torchsharp_tensor_reduce"];
        Assert.StartsWith("in-process (partials copied to rank 0's device", reduce);
        Assert.Contains("NCCL sums on CUDA devices only, and a rank is on cpu", reduce);
        Assert.Equal(["every layer split as cpu:heads 0-1 kv 0-0,cpu:heads 2-3 kv 1-1", "sums across devices: " + reduce], split.LoadNotes);
        Assert.False(single.Facts.ContainsKey("torchsharp_tensor_split"));
        Assert.False(split.Facts.ContainsKey("torchsharp_pipeline_split"));
        Assert.Equal("off (torchsharp.cuda_graphs = false)", split.Facts["torchsharp_cuda_graphs"]);
        // every rank holds its share; the norms (and q/k norms) are held whole by each
        var ranks = split.Model.named_children().Select(c => c.name).ToArray();
        Assert.Equal(["rank0", "rank1"], ranks);
        Assert.True(split.Info.WeightBytes > single.Info.WeightBytes);
    }

    [Fact]
    public void Each_rank_holds_its_share_of_every_projection()
    {
        using var split = (TorchSharpModel)Backend().Load(Request(Folder("llama-8h"), Cpus(4)));
        var p = split.Model.named_parameters().ToDictionary(x => x.name, x => x.parameter.shape);
        // 8 heads of 8, 4 key/value heads, MLP 172 units, vocabulary rows as even as possible
        Assert.Equal([16L, 64], p["rank1.model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal([8L, 64], p["rank1.model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal([64L, 16], p["rank1.model.layers.0.self_attn.o_proj.weight"]);
        Assert.Equal([43L, 64], p["rank3.model.layers.2.mlp.gate_proj.weight"]);
        Assert.Equal([64L, 43], p["rank3.model.layers.2.mlp.down_proj.weight"]);
        Assert.Equal([64L], p["rank2.model.layers.1.input_layernorm.weight"]);
        var vocab = SyntheticPresets.Get("llama", "tiny").VocabSize;
        Assert.Equal(vocab, Enumerable.Range(0, 4).Sum(r => p[$"rank{r}.model.embed_tokens.weight"][0]));
        Assert.Equal(vocab, Enumerable.Range(0, 4).Sum(r => p[$"rank{r}.lm_head.weight"][0]));
    }

    [Theory]
    [InlineData(3, "4 attention heads, which 3 does not divide", "Use 2 devices")]
    [InlineData(4, "2 key/value heads, which 4 does not divide", "Use 2 devices")]
    [InlineData(1, "at least two devices", "run on one device without a split")]
    public void Heads_that_the_devices_do_not_divide_are_refused_before_weights_load(int ranks, string why, string remedy)
    {
        var folder = Folder("llama"); // 4 heads, 2 key/value heads
        var e = Assert.Throws<InferenceException>(() => Backend().Load(Request(folder, Cpus(ranks))));
        Assert.Contains(why, e.Message);
        Assert.Contains(remedy, e.Message);
        Assert.Null(TensorSplit.HeadsProblem(Cpus(2), 4, 2));
        Assert.Equal(e.Message, TensorSplit.HeadsProblem(Cpus(ranks), 4, 2));
    }

    [Fact]
    public void Quantized_weights_and_a_pipeline_beside_it_are_refused()
    {
        var folder = Folder("llama");
        var quantized = Assert.Throws<InferenceException>(() => Backend().Load(Request(folder, Cpus(2)) with { Quantization = "int8" }));
        Assert.Contains("quantization = int8 cannot be combined with parallel.mode = tensor", quantized.Message);
        var both = Assert.Throws<InferenceException>(() => Backend().Load(Request(folder, Cpus(2)) with { PipelineDevices = Cpus(2) }));
        Assert.Contains("not both", both.Message);
    }

    [Fact]
    public void Shares_of_rows_are_contiguous_and_as_even_as_possible()
    {
        Assert.Equal([(0L, 26L), (26L, 25L)], Enumerable.Range(0, 2).Select(r => new TensorShard(r, 2).Range(51)));
        Assert.Equal([(0L, 2L), (2L, 2L), (4L, 1L), (5L, 1L)], Enumerable.Range(0, 4).Select(r => new TensorShard(r, 4).Range(6)));
        Assert.Equal((0L, 172L), TensorShard.Whole.Range(172));
    }
}
