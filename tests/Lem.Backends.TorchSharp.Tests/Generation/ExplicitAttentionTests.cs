using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Generation;

/// <summary>torchsharp.attention = eager (matmul, fp32 softmax, matmul) against scaled_dot_product_attention.</summary>
public class ExplicitAttentionTests
{
    private static readonly int[] NoEos = [];

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen3")]
    [InlineData("gpt2")]
    public void Eager_attention_gives_the_logits_and_tokens_of_sdpa(string family)
    {
        using var model = (family == "gpt2" ? TinyModel.Gpt2(seed: 4) : TinyModel.Llama(seed: 4, modelType: family)).Build();
        int[] prompt = ModelRunner.Prompt(5, 7);
        using var sdpa = ModelRunner.FullLogits(model, prompt);
        model.ExplicitAttention = true;
        using var eager = ModelRunner.FullLogits(model, prompt);
        Assert.True(allclose(sdpa, eager, rtol: 1e-4, atol: 1e-5), $"max difference {(sdpa - eager).abs().max().item<float>()}");

        // padded batch, prefix and static-shape decode
        int[][] prompts = [ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 2), ModelRunner.Prompt(3, 4)];
        var settings = new GenerationSettings(MaxNewTokens: 8);
        model.ExplicitAttention = false;
        var expected = TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos).OutputTokenIds;
        model.ExplicitAttention = true;
        Assert.Equal(expected, TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos).OutputTokenIds);
        Assert.Equal(expected, TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos, staticShapes: true).OutputTokenIds);
    }
}
