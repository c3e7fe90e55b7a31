using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Generation;

public class SamplingTests
{
    private static readonly int[] NoEos = [];
    private static readonly int[][] TwoPrompts = [ModelRunner.Prompt(1, 5), ModelRunner.Prompt(2, 3)];

    private static GenerationSettings Sampled(long seed) =>
        new(MaxNewTokens: 16, Greedy: false, Temperature: 1.3, TopK: 40, TopP: 0.95, MinP: 0.01, RepetitionPenalty: 1.1, Seed: seed);

    [Fact]
    public void Same_seed_reproduces_and_another_seed_differs()
    {
        using var model = TinyModel.Llama().Build();
        var a = TextGenerator.Generate(model, TwoPrompts, Sampled(42), eosTokenIds: NoEos).OutputTokenIds;
        var b = TextGenerator.Generate(model, TwoPrompts, Sampled(42), eosTokenIds: NoEos).OutputTokenIds;
        var c = TextGenerator.Generate(model, TwoPrompts, Sampled(43), eosTokenIds: NoEos).OutputTokenIds;
        Assert.Equal(a, b);
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x));
    }

    [Fact]
    public void Top_k_one_equals_greedy()
    {
        using var model = TinyModel.Llama().Build();
        var greedy = TextGenerator.Generate(model, TwoPrompts, new GenerationSettings(16), eosTokenIds: NoEos).OutputTokenIds;
        var topK1 = TextGenerator.Generate(model, TwoPrompts, new GenerationSettings(16, Greedy: false, Temperature: 0.8, TopK: 1, Seed: 5), eosTokenIds: NoEos).OutputTokenIds;
        Assert.Equal(greedy, topK1);
    }

    [Fact]
    public void Temperature_zero_is_greedy()
    {
        using var model = TinyModel.Llama().Build();
        var greedy = TextGenerator.Generate(model, TwoPrompts, new GenerationSettings(8), eosTokenIds: NoEos).OutputTokenIds;
        var zero = TextGenerator.Generate(model, TwoPrompts, new GenerationSettings(8, Greedy: false, Temperature: 0), eosTokenIds: NoEos).OutputTokenIds;
        Assert.Equal(greedy, zero);
    }

    // Probabilities 0.5, 0.3, 0.15, 0.05 in every one of 400 rows; which tokens can a filter still draw?
    [Theory]
    [InlineData(2, 1.0, 0.0, new[] { 0, 1 })]         // top-k 2
    [InlineData(0, 0.7, 0.0, new[] { 0, 1 })]         // top-p: 0.5 < 0.7, 0.5 + 0.3 reaches it
    [InlineData(0, 0.85, 0.0, new[] { 0, 1, 2 })]
    [InlineData(0, 1.0, 0.2, new[] { 0, 1, 2 })]      // min-p: floor 0.2 · 0.5 = 0.1
    [InlineData(0, 1.0, 0.0, new[] { 0, 1, 2, 3 })]
    public void Filters_keep_exactly_the_allowed_tokens(int topK, double topP, double minP, int[] allowed)
    {
        const int rows = 400;
        var settings = new GenerationSettings(1, Greedy: false, Temperature: 1.0, TopK: topK, TopP: topP, MinP: minP, Seed: 9);
        var prompts = Enumerable.Range(0, rows).Select(_ => new[] { 0 }).ToArray();
        using var sampler = new TokenSampler(settings, prompts, 4, [], CPU);
        using var logits = tensor(new[] { 0.5f, 0.3f, 0.15f, 0.05f }).log().unsqueeze(0).expand(rows, 4).contiguous();
        using var next = sampler.Next(logits, 0);
        var drawn = next.data<long>().ToArray().Select(t => (int)t).Distinct().Order().ToArray();
        Assert.Equal(allowed, drawn);
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        var settings = new GenerationSettings(4, RepetitionPenalty: 4.0);
        using var sampler = new TokenSampler(settings, [[0], [2]], 4, [], CPU);
        // Row 0 saw token 0 (2.0 → 0.5, below token 1's 1.0). Row 1 saw token 2 (-1.0 → -4.0, below token 3's -2.0).
        using var logits = tensor(new[] { 2.0f, 1.0f, -5f, -6f, -5f, -5f, -1.0f, -2.0f }, [2, 4]);
        using var first = sampler.Next(logits, 0);
        Assert.Equal([1L, 3L], first.data<long>().ToArray());
        // Tokens drawn become "seen" too: token 1 of row 0 is now penalized (1.0 → 0.25) and token 0 wins back at 0.5.
        using var second = sampler.Next(logits, 1);
        Assert.Equal(0L, second.data<long>()[0]);
    }

    [Fact]
    public void Eos_is_masked_before_min_new_tokens_only()
    {
        var settings = new GenerationSettings(4, MinNewTokens: 2);
        using var sampler = new TokenSampler(settings, [[0]], 4, [2], CPU);
        using var logits = tensor(new[] { 0f, 1f, 5f, 2f }, [1, 4]);
        using var step0 = sampler.Next(logits, 0);
        using var step2 = sampler.Next(logits, 2);
        Assert.Equal(3L, step0.data<long>()[0]);
        Assert.Equal(2L, step2.data<long>()[0]);
    }
}
