using Lem.Backends.TorchSharp.Quantization;
using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Quantization;

public class WeightQuantizerTests
{
    [Fact]
    public void Int8_stores_q_plus_128_per_row_with_fp16_scales()
    {
        // row 0: max |w| = 1.27 -> scale 0.01, rounded to fp16; row 1 all zeros
        using var w = tensor(new float[] { 1.27f, -0.635f, 0.0f, 0.01f, 0, 0, 0, 0 }, [2, 4]);
        var (packed, scales) = WeightQuantizer.Quantize(w, QuantizationScheme.Int8, "test");
        Assert.Equal(ScalarType.Byte, packed.dtype);
        Assert.Equal(ScalarType.Float16, scales.dtype);
        Assert.Equal([2L], scales.shape);
        // fp16(0.01) = 0.0100021: 1.27 -> 126.97 -> 127, -0.635 -> -63.49 -> -63, 0.01 -> 1; a zero row stays 0 (+128)
        Assert.Equal(new byte[] { 255, 65, 128, 129, 128, 128, 128, 128 }, packed.data<byte>().ToArray());
        Assert.Equal(0.0100021362f, scales[0].to(ScalarType.Float32).item<float>(), 7);
    }

    [Fact]
    public void Int4_packs_input_j_low_and_input_j_plus_4_high_in_each_4_bytes()
    {
        // one row of 128 inputs: 0.7, 0.6, ..., known integers q = round(w / s) with s = 0.1
        var values = new float[128];
        for (var i = 0; i < 128; i++) values[i] = (i % 15 - 7) * 0.1f;
        using var w = tensor(values, [1, 128]);
        var (packed, scales) = WeightQuantizer.Quantize(w, QuantizationScheme.Int4, "test");
        Assert.Equal([1L, 64], packed.shape);
        Assert.Equal([1L, 1], scales.shape);
        var bytes = packed.data<byte>().ToArray();
        for (var word = 0; word < 16; word++)
            for (var j = 0; j < 4; j++)
            {
                var lo = values[word * 8 + j] / 0.1f + 8;
                var hi = values[word * 8 + j + 4] / 0.1f + 8;
                Assert.Equal((int)Math.Round(lo) | ((int)Math.Round(hi) << 4), bytes[word * 4 + j]);
            }
    }

    [Theory]
    [InlineData("int8", 127)]
    [InlineData("int4", 7)]
    public void Dequantized_weights_are_within_half_a_step(string scheme, int levels)
    {
        var g = new Random(3);
        var data = Enumerable.Range(0, 16 * 256).Select(_ => (float)(g.NextDouble() * 2 - 1) * (g.Next(4) + 1)).ToArray();
        using var w = tensor(data, [16, 256]);
        var s = QuantizationSchemes.Parse(scheme);
        var (packed, scales) = WeightQuantizer.Quantize(w, s, "test");
        using var back = WeightQuantizer.Dequantize(packed, scales, s, 256, ScalarType.Float32);
        var group = s == QuantizationScheme.Int4 ? WeightQuantizer.Int4GroupSize : 256;
        using var grouped = w.view(16, 256 / group, group);
        using var step = grouped.abs().amax([2], keepdim: true).div(levels);
        using var error = back.view(16, 256 / group, group).sub(grouped).abs().div(step).max();
        Assert.True(error.item<float>() <= 0.5f + 1e-2f, $"largest error {error.item<float>()} steps");
    }

    [Fact]
    public void Int4_needs_inputs_in_groups_of_128()
    {
        using var w = zeros(4, 96);
        var e = Assert.Throws<InferenceException>(() => WeightQuantizer.Quantize(w, QuantizationScheme.Int4, "model.layers.0.mlp.down_proj"));
        Assert.Contains("\"model.layers.0.mlp.down_proj\" has 96 inputs", e.Message);
        Assert.Contains("int8", e.Message);
    }

    [Fact]
    public void Unknown_scheme_is_one_line_with_the_choices()
    {
        var e = Assert.Throws<InferenceException>(() => QuantizationSchemes.Parse("nf4"));
        Assert.Equal("quantization \"nf4\" is not one the torchsharp backend runs; use none, int8 or int4.", e.Message);
    }
}
