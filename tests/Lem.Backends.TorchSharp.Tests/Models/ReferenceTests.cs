using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

public class ReferenceTests
{
    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff < tolerance, $"max |difference| {diff} exceeds {tolerance}");
    }

    [Theory]
    [InlineData(2, false)]  // grouped-query attention (4 heads, 2 KV heads)
    [InlineData(4, true)]   // multi-head attention, tied embeddings
    public void Llama_logits_equal_a_naive_reference(int kvHeads, bool tied)
    {
        var m = TinyModel.Llama(seed: 3, tied: tied, kvHeads: kvHeads);
        using var model = m.Build();
        var ids = ModelRunner.Prompt(5, 11);
        using var expected = NaiveLlama.Logits(m, ids);
        using var actual = ModelRunner.FullLogits(model, ids);
        AssertClose(expected, actual, 1e-4);
    }

    [Fact]
    public void Llama3_rope_scaling_equals_the_reference_frequencies()
    {
        // factor 8, low 1, high 4 and a short original context, so that all three bands (kept, divided, smoothed) occur.
        var scaling = new JsonObject
        {
            ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0,
            ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 64,
        };
        var m = TinyModel.Llama(seed: 4, ropeScaling: scaling);
        using var model = m.Build();
        var ids = ModelRunner.Prompt(6, 13);
        using var expected = NaiveLlama.Logits(m, ids, invFreq => invFreq.Select(f =>
        {
            const double old = 64, low = 1, high = 4, factor = 8;
            var wavelength = 2 * Math.PI / f;
            if (wavelength < old / high) return f;
            if (wavelength > old / low) return f / factor;
            var smooth = (old / wavelength - low) / (high - low);
            return (1 - smooth) * f / factor + smooth * f;
        }).ToArray());
        using var actual = ModelRunner.FullLogits(model, ids);
        AssertClose(expected, actual, 1e-4);
        using var unscaled = NaiveLlama.Logits(m, ids);
        Assert.True((unscaled - actual).abs().max().item<float>() > 1e-3, "the scaling must matter at this shape");
    }

    [Fact]
    public void Qwen2_biases_enter_the_projections()
    {
        var m = TinyModel.Llama(seed: 7, modelType: "qwen2");
        using var model = m.Build();
        var ids = ModelRunner.Prompt(8, 9);
        using var expected = NaiveLlama.Logits(m, ids);
        using var actual = ModelRunner.FullLogits(model, ids);
        AssertClose(expected, actual, 1e-4);
    }

    [Fact]
    public void Gpt2_logits_equal_a_naive_reference()
    {
        var m = TinyModel.Gpt2(seed: 8);
        using var model = m.Build();
        var ids = ModelRunner.Prompt(9, 10);
        using var expected = NaiveGpt2.Logits(m, ids);
        using var actual = ModelRunner.FullLogits(model, ids);
        AssertClose(expected, actual, 1e-4);
    }

    [Fact]
    public void Qwen3_logits_equal_a_naive_reference_with_per_head_norms()
    {
        var m = TinyModel.Llama(seed: 10, modelType: "qwen3");
        using var model = m.Build();
        var ids = ModelRunner.Prompt(11, 9);
        using var expected = NaiveLlama.Logits(m, ids);
        using var actual = ModelRunner.FullLogits(model, ids);
        AssertClose(expected, actual, 1e-4);
    }
}
