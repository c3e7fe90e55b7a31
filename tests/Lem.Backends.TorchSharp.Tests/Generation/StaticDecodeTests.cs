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
