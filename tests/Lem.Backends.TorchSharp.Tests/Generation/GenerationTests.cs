using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Models;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Generation;

public class GenerationTests
{
    private static readonly int[] NoEos = [];

    public static TheoryData<string> Families => new() { "llama", "mistral", "qwen2", "qwen3", "gpt2", "llama-tied" };

    private static TinyModel Make(string family, int seed = 1) => family switch
    {
        "gpt2" => TinyModel.Gpt2(seed),
        "llama-tied" => TinyModel.Llama(seed, tied: true),
        _ => TinyModel.Llama(seed, modelType: family),
    };

    private static int[][] Prompts(params int[] lengths) =>
        lengths.Select((n, i) => ModelRunner.Prompt(100 + i, n)).ToArray();

    [Theory]
    [MemberData(nameof(Families))]
    public void Batched_greedy_equals_one_by_one_despite_left_padding(string family)
    {
        using var model = Make(family).Build();
        var prompts = Prompts(3, 9, 5, 1);
        var settings = new GenerationSettings(MaxNewTokens: 12);
        var batched = TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos);
        for (var r = 0; r < prompts.Length; r++)
        {
            var single = TextGenerator.Generate(model, [prompts[r]], settings, eosTokenIds: NoEos);
            Assert.Equal(single.OutputTokenIds[0], batched.OutputTokenIds[r]);
        }
        Assert.All(batched.OutputTokenIds, o => Assert.Equal(12, o.Length));
        Assert.All(batched.OutputTokenIds.SelectMany(o => o), t => Assert.InRange(t, 0, TinyModel.Vocab - 1));
        Assert.Equal(18, batched.PromptTokens);
        Assert.Equal(36, batched.PaddedPromptTokens);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Cached_decode_equals_full_recomputation(string family)
    {
        using var model = Make(family, seed: 2).Build();
        var prompt = ModelRunner.Prompt(7, 6);
        var generated = TextGenerator.Generate(model, [prompt], new GenerationSettings(MaxNewTokens: 10), eosTokenIds: NoEos).OutputTokenIds[0];
        var sequence = prompt.Concat(generated).ToArray();
        using var logits = ModelRunner.FullLogits(model, sequence[..^1]);
        var recomputed = logits.argmax(-1).data<long>().ToArray().Skip(prompt.Length - 1).Select(t => (int)t).ToArray();
        Assert.Equal(recomputed, generated);
    }

    [Fact]
    public void Decode_step_logits_equal_full_recomputation_with_padding()
    {
        var m = TinyModel.Llama(seed: 5);
        using var model = m.Build();
        var c = model.Config;
        var shortPrompt = ModelRunner.Prompt(1, 4);
        var longPrompt = ModelRunner.Prompt(2, 7);
        const long capacity = 8;
        using var _ = inference_mode();
        using var batch = new PaddedBatch([shortPrompt, longPrompt], capacity, CPU);
        using var cache = new KvCache(c.NumHiddenLayers, 2, c.NumKeyValueHeads, capacity, c.HeadDim, ScalarType.Float32, CPU);
        model.Forward(batch.InputIds, new ForwardBatch(batch.PositionIds.narrow(1, 0, 7), batch.PrefillMask, 0, 6, cache, null)).Dispose();
        using var next = tensor(new long[] { 11, 12 }, [2, 1]);
        using var step = model.Forward(next, new ForwardBatch(batch.PositionIds.narrow(1, 7, 1), batch.DecodeMask(7), 7, 7, cache, null));

        using var fullShort = ModelRunner.FullLogits(model, [.. shortPrompt, 11]);
        using var fullLong = ModelRunner.FullLogits(model, [.. longPrompt, 12]);
        Assert.True((step[0] - fullShort[-1]).abs().max().item<float>() < 1e-5);
        Assert.True((step[1] - fullLong[-1]).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Rows_stop_at_eos_and_report_minus_one_afterwards()
    {
        using var model = TinyModel.Llama(seed: 3).Build();
        var prompts = Prompts(4, 6);
        var free = TextGenerator.Generate(model, prompts, new GenerationSettings(MaxNewTokens: 10), eosTokenIds: NoEos).OutputTokenIds;
        // Make row 0's fourth token the EOS, provided it did not occur earlier in row 0.
        var eos = free[0][3];
        Assert.DoesNotContain(eos, free[0][..3]);
        var stopAt1 = Array.IndexOf(free[1], eos);

        var observer = new RecordingObserver();
        var result = TextGenerator.Generate(model, prompts, new GenerationSettings(MaxNewTokens: 10), observer, [eos]);
        Assert.Equal(free[0][..4], result.OutputTokenIds[0]);
        Assert.Equal(stopAt1 < 0 ? free[1] : free[1][..(stopAt1 + 1)], result.OutputTokenIds[1]);
        for (var s = 0; s < observer.Calls.Count; s++)
        {
            Assert.Equal(s, observer.Calls[s].Step);
            Assert.Equal(s < 4 ? result.OutputTokenIds[0][s] : -1, observer.Calls[s].Tokens[0]);
        }
        Assert.Equal(result.OutputTokenIds.Max(o => o.Length), observer.Calls.Count);
        Assert.True(observer.Calls.Zip(observer.Calls.Skip(1)).All(p => p.First.Ticks <= p.Second.Ticks));
    }

    [Fact]
    public void Min_new_tokens_holds_eos_back()
    {
        using var model = TinyModel.Llama(seed: 3).Build();
        var prompt = Prompts(4);
        var free = TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 10), eosTokenIds: NoEos).OutputTokenIds[0];
        var eos = free[0];
        var held = TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 10, MinNewTokens: 6), eosTokenIds: [eos]).OutputTokenIds[0];
        Assert.True(held.Length >= 6);
        Assert.DoesNotContain(eos, held[..6]);
        Assert.Equal(free[0], TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 10), eosTokenIds: [eos]).OutputTokenIds[0].Single());
    }

    [Fact]
    public void Timings_are_reported()
    {
        using var model = TinyModel.Llama().Build();
        var result = TextGenerator.Generate(model, Prompts(5, 3), new GenerationSettings(MaxNewTokens: 5), eosTokenIds: NoEos);
        Assert.True(result.PrefillSeconds > 0);
        Assert.True(result.DecodeSeconds > 0);
        Assert.Equal(10, result.OutputTokens);
    }

    [Theory]
    [InlineData(120, 10, "max_position_embeddings (128)")]
    [InlineData(5, 0, "max_new_tokens is 0")]
    public void Bad_requests_are_refused_with_the_reason(int promptLength, int maxNew, string expected)
    {
        using var model = TinyModel.Llama().Build();
        var e = Assert.Throws<InferenceException>(() => TextGenerator.Generate(model, [ModelRunner.Prompt(1, promptLength)], new GenerationSettings(maxNew)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Out_of_vocabulary_and_empty_prompts_are_refused()
    {
        using var model = TinyModel.Llama().Build();
        var e = Assert.Throws<InferenceException>(() => TextGenerator.Generate(model, [[1, 2], [3, 64]], new GenerationSettings(4)));
        Assert.Contains("Prompt 1 holds token id 64", e.Message);
        e = Assert.Throws<InferenceException>(() => TextGenerator.Generate(model, [[1, 2], []], new GenerationSettings(4)));
        Assert.Contains("Prompt 1 of the batch has no tokens", e.Message);
    }

    [Fact]
    public void Mistral_sliding_window_is_enforced_as_a_limit()
    {
        var m = TinyModel.Llama(modelType: "mistral");
        m.Config["sliding_window"] = 16;
        using var model = m.Build();
        var e = Assert.Throws<InferenceException>(() => TextGenerator.Generate(model, [ModelRunner.Prompt(1, 10)], new GenerationSettings(8)));
        Assert.Contains("sliding_window (16)", e.Message);
        Assert.Equal(7, TextGenerator.Generate(model, [ModelRunner.Prompt(1, 10)], new GenerationSettings(7), eosTokenIds: NoEos).OutputTokens);
    }
}
