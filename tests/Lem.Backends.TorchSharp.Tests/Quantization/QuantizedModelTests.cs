using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Models;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Backends.TorchSharp.Tests.Models;
using Lem.Engine.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Quantization;

public class QuantizedModelTests(ITestOutputHelper output)
{
    private static readonly int[] NoEos = [];

    // hidden 128 and intermediate 256: every linear layer's inputs come in whole groups of 128
    private static TinyModel Model(bool tied) => TinyModel.Llama(seed: 5, tied: tied, hidden: 128, inter: 256);

    private static CausalLM Build(TinyModel m, QuantizationScheme scheme) =>
        ModelBuilder.Build(m.ParsedConfig, m.Source(), ScalarType.Float32, PipelineSplit.Single("cpu", CPU, 2), "test", scheme);

    [Theory]
    [InlineData("int8", false)]
    [InlineData("int8", true)]
    [InlineData("int4", false)]
    [InlineData("int4", true)]
    public void Equals_the_model_of_its_dequantized_weights(string scheme, bool tied)
    {
        // the quantized model must compute exactly what the unquantized model does with the dequantized weights: that
        // checks the wiring (fused parts, scales, the tied head and embeddings) independently of how much 8 or 4 bits lose
        var m = Model(tied);
        var s = QuantizationSchemes.Parse(scheme);
        var roundTrip = new Dictionary<string, Tensor>();
        foreach (var (name, t) in m.Tensors)
        {
            var linear = name.EndsWith("_proj.weight", StringComparison.Ordinal);
            var head = name == "lm_head.weight" || (tied && name == "model.embed_tokens.weight");
            var layerScheme = linear ? s : head ? s.ForLmHead() : QuantizationScheme.None;
            if (layerScheme == QuantizationScheme.None)
            {
                roundTrip[name] = t;
                continue;
            }
            var (packed, scales) = WeightQuantizer.Quantize(t, layerScheme, name);
            roundTrip[name] = WeightQuantizer.Dequantize(packed, scales, layerScheme, t.shape[1], ScalarType.Float32);
        }
        using var reference = Build(new TinyModel { Config = m.Config, Tensors = roundTrip }, QuantizationScheme.None);
        using var quantized = Build(m, s);
        using var plain = Build(m, QuantizationScheme.None);
        var ids = ModelRunner.Prompt(7, 12);
        using var expected = ModelRunner.FullLogits(reference, ids);
        using var actual = ModelRunner.FullLogits(quantized, ids);
        using var unquantized = ModelRunner.FullLogits(plain, ids);
        var scale = expected.abs().max().item<float>();
        Assert.True(actual.sub(expected).abs().max().item<float>() <= 1e-5 * scale);
        // and it is not the unquantized model (these random weights amplify errors: the figures for real shapes come
        // from scripts/device/parity_transformers.py --quantization)
        var error = unquantized.sub(actual).abs().max().item<float>() / scale;
        output.WriteLine($"{scheme} tied={tied}: largest logit change by quantization {error:P2} of the largest logit");
        Assert.True(error > 1e-4);
    }

    [Theory]
    [InlineData("int8", false)]
    [InlineData("int4", true)]
    public void Counts_parameters_as_loaded_and_bytes_as_stored(string scheme, bool tied)
    {
        var m = Model(tied);
        var s = QuantizationSchemes.Parse(scheme);
        using var model = Build(m, s);
        Assert.Equal(m.Tensors.Values.Sum(t => t.numel()), model.ParameterCount);
        long expected = 0;
        foreach (var (name, t) in m.Tensors)
        {
            var (rows, cols) = t.shape.Length == 2 ? (t.shape[0], t.shape[1]) : (0L, 0L);
            var head = name == "lm_head.weight" || name == "model.embed_tokens.weight" && tied;
            if (name.EndsWith("_proj.weight", StringComparison.Ordinal) && s == QuantizationScheme.Int4)
                expected += rows * cols / 2 + rows * (cols / 128) * 2;
            else if (name.EndsWith("_proj.weight", StringComparison.Ordinal) || head)
                expected += rows * cols + rows * 2;
            else
                expected += t.numel() * 4;
        }
        Assert.Equal(expected, model.WeightBytes);
        Assert.True(model.QuantizedWeightBytes > 0 && model.QuantizedWeightBytes < model.WeightBytes);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("model.layers.0.self_attn.k_proj.weight_scale", names);
        Assert.Contains(tied ? "model.embed_tokens.weight_scale" : "lm_head.weight_scale", names);
        Assert.Equal(ScalarType.Byte, model.named_parameters().First(p => p.name == "model.layers.1.mlp.down_proj.weight").parameter.dtype);
    }

    [Theory]
    [InlineData("int8")]
    [InlineData("int4")]
    public void Static_shape_decode_gives_the_same_tokens(string scheme)
    {
        using var model = Build(Model(tied: true), QuantizationSchemes.Parse(scheme));
        int[][] prompts = [ModelRunner.Prompt(1, 6), ModelRunner.Prompt(2, 2)];
        var settings = new GenerationSettings(MaxNewTokens: 8);
        Assert.Equal(
            TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos).OutputTokenIds,
            TextGenerator.Generate(model, prompts, settings, eosTokenIds: NoEos, staticShapes: true).OutputTokenIds);
    }

    [Fact]
    public void Gpt2_is_not_quantized()
    {
        var m = TinyModel.Gpt2();
        var e = Assert.Throws<InferenceException>(() =>
            ModelBuilder.Build(m.ParsedConfig, m.Source(), ScalarType.Float32, PipelineSplit.Single("cpu", CPU, 2), "test", QuantizationScheme.Int8));
        Assert.Contains("not for GPT-2", e.Message);
        Assert.Contains("quantization = none", e.Message);
    }

    [Fact]
    public void Int4_names_the_layer_whose_inputs_do_not_group()
    {
        var m = TinyModel.Llama(hidden: 128, inter: 96);
        var e = Assert.Throws<InferenceException>(() => Build(m, QuantizationScheme.Int4));
        Assert.Contains("\"model.layers.0.mlp.down_proj\" has 96 inputs", e.Message);
    }
}
