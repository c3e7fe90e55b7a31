using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.Generation;

public class StaticDecodeTests
{
    private static readonly int[] NoEos = [];

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen3")]
    [InlineData("gpt2")]
    public void Static_shape_decode_gives_the_same_tokens(string family)
    {
        using var model = (family == "gpt2" ? TinyModel.Gpt2(seed: 6) : TinyModel.Llama(seed: 6, modelType: family)).Build();
        int[][] prompts = [ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 2), ModelRunner.Prompt(3, 4)];
        var settings = new GenerationSettings(MaxNewTokens: 10);
        var dynamic = TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos);
        var fixedShapes = TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos, staticShapes: true);
        Assert.Equal(dynamic.OutputTokenIds, fixedShapes.OutputTokenIds);
        // Unpadded batch of one: the mask alone hides the positions not yet written.
        Assert.Equal(
            TextGenerator.Generate(model, [prompts[0]], settings, eosTokenIds: NoEos).OutputTokenIds,
            TextGenerator.Generate(model, [prompts[0]], settings, eosTokenIds: NoEos, staticShapes: true).OutputTokenIds);
    }

    [Fact]
    public void Greedy_static_decode_stops_rows_at_eos_and_holds_it_below_min_new_tokens_as_dynamic_decode_does()
    {
        // greedy static steps pick their tokens on the device; the EOS hold there must match the host sampler's mask
        using var model = TinyModel.Llama(seed: 6).Build();
        int[][] prompts = [ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 2), ModelRunner.Prompt(3, 4)];
        var free = TextGenerator.Generate(model, prompts, new GenerationSettings(12), eosTokenIds: NoEos).OutputTokenIds;
        int[] eos = [free[0][3], free[1][5]];
        foreach (var settings in new[] { new GenerationSettings(12), new GenerationSettings(12, MinNewTokens: 7) })
        {
            var dynamic = TextGenerator.Generate(model, prompts, settings, eosTokenIds: eos);
            var fixedShapes = TextGenerator.Generate(model, prompts, settings, eosTokenIds: eos, staticShapes: true);
            Assert.Equal(dynamic.OutputTokenIds, fixedShapes.OutputTokenIds);
            Assert.Contains(dynamic.OutputTokenIds, row => row.Length < 12); // some row did stop at EOS
            if (settings.MinNewTokens > 0)
                Assert.All(dynamic.OutputTokenIds, row => Assert.DoesNotContain(row.Take(settings.MinNewTokens), eos.Contains));
        }
    }

    [Fact]
    public void Static_decode_with_host_sampling_gives_the_same_tokens()
    {
        // repetition penalty, seeded sampling and more EOS ids than the device hold takes: the host samples each step
        using var model = TinyModel.Llama(seed: 6).Build();
        int[][] prompts = [ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 2)];
        var manyEos = Enumerable.Range(TinyModel.Vocab - 12, 12).ToArray();
        foreach (var (settings, eos) in new[]
                 {
                     (new GenerationSettings(10, RepetitionPenalty: 1.3), NoEos),
                     (new GenerationSettings(10, Greedy: false, Temperature: 0.8, TopK: 20, Seed: 11), NoEos),
                     (new GenerationSettings(10, MinNewTokens: 4), manyEos),
                 })
        {
            var dynamic = TextGenerator.Generate(model, prompts, settings, eosTokenIds: eos);
            var fixedShapes = TextGenerator.Generate(model, prompts, settings, eosTokenIds: eos, staticShapes: true);
            Assert.Equal(dynamic.OutputTokenIds, fixedShapes.OutputTokenIds);
        }
    }

    [Fact]
    public void Static_shape_decode_counts_attention_over_the_whole_cache()
    {
        using var model = TinyModel.Llama().Build();
        int[][] prompts = [ModelRunner.Prompt(1, 5), ModelRunner.Prompt(2, 3)];
        var dynamic = TextGenerator.Generate(model, prompts, new GenerationSettings(4), eosTokenIds: NoEos).TracedFlops!;
        var fixedShapes = TextGenerator.Generate(model, prompts, new GenerationSettings(4), eosTokenIds: NoEos, staticShapes: true).TracedFlops!;
        Assert.Equal(dynamic.PrefillFlops, fixedShapes.PrefillFlops);
        // Three steps over the whole cache — 8 positions rounded up as for graph decoding — instead of key lengths 6, 7, 8;
        // each extra key costs 2 (QK, AV) · 2·b·h·d = 2 · 2·2·4·8 in each of 2 layers.
        var capacity = CudaGraphDecoder.CapacityFor(8, model.Config.MaxPositionEmbeddings);
        Assert.True(capacity >= 8);
        var extraKeys = 3 * capacity - (6 + 7 + 8);
        Assert.Equal(extraKeys * 2 * (2.0 * 2 * 4 * 8) * 2, fixedShapes.DecodeFlops - dynamic.DecodeFlops);
    }
}
