using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

public class LoadingTests
{
    public static TheoryData<string> Families => new() { "llama", "mistral", "qwen2", "qwen3", "gpt2", "gpt2-prefixed", "llama-tied" };

    private static TinyModel Make(string family) => family switch
    {
        "gpt2" => TinyModel.Gpt2(),
        "gpt2-prefixed" => TinyModel.Gpt2(prefixed: true),
        "llama-tied" => TinyModel.Llama(tied: true),
        _ => TinyModel.Llama(modelType: family),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Parameter_names_equal_checkpoint_names(string family)
    {
        var m = Make(family);
        using var model = m.Build();
        var parameters = model.named_parameters().Select(p => p.name).ToHashSet();
        var checkpoint = m.Tensors.Keys.Where(n => !n.EndsWith(".attn.bias", StringComparison.Ordinal))
            .Select(n => family == "gpt2" && n != "lm_head.weight" ? "transformer." + n : n).ToHashSet();
        Assert.Equal(checkpoint.OrderBy(n => n), parameters.OrderBy(n => n));
        Assert.Equal(m.Tensors.Where(t => !t.Key.EndsWith(".attn.bias", StringComparison.Ordinal)).Sum(t => t.Value.numel()), model.ParameterCount);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var m = TinyModel.Llama();
        m.Tensors.Remove("model.layers.1.self_attn.k_proj.weight");
        var e = Assert.Throws<InferenceException>(() => m.Build());
        Assert.Contains("\"model.layers.1.self_attn.k_proj.weight\" is missing", e.Message);
        Assert.Contains("[16, 32]", e.Message);
    }

    [Fact]
    public void Misshapen_tensor_is_named_with_both_shapes()
    {
        var m = TinyModel.Llama();
        m.Tensors["model.layers.0.mlp.up_proj.weight"] = zeros(40, 32);
        var e = Assert.Throws<InferenceException>(() => m.Build());
        Assert.Contains("\"model.layers.0.mlp.up_proj.weight\"", e.Message);
        Assert.Contains("has shape [40, 32]", e.Message);
        Assert.Contains("implies [48, 32]", e.Message);
    }

    [Fact]
    public void Unexpected_tensor_is_an_error()
    {
        var m = TinyModel.Llama();
        m.Tensors["model.layers.2.mlp.up_proj.weight"] = zeros(48, 32);
        var e = Assert.Throws<InferenceException>(() => m.Build());
        Assert.Contains("\"model.layers.2.mlp.up_proj.weight\"", e.Message);
        Assert.Contains("unexpected", e.Message);
    }

    [Fact]
    public void Qwen2_without_biases_is_missing_them()
    {
        var m = TinyModel.Llama();
        m.Config["model_type"] = "qwen2";
        var e = Assert.Throws<InferenceException>(() => m.Build());
        Assert.Contains("q_proj.bias", e.Message);
    }

    [Fact]
    public void Known_buffers_and_a_saved_tied_head_are_accepted()
    {
        var m = TinyModel.Llama(tied: true);
        m.Tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = zeros(4);
        m.Tensors["lm_head.weight"] = m.Tensors["model.embed_tokens.weight"].clone();
        using var model = m.Build();
        Assert.DoesNotContain(model.named_parameters(), p => p.name == "lm_head.weight");
    }

    [Fact]
    public void Untied_model_without_lm_head_is_missing_it()
    {
        var m = TinyModel.Llama(tied: false);
        m.Tensors.Remove("lm_head.weight");
        var e = Assert.Throws<InferenceException>(() => m.Build());
        Assert.Contains("\"lm_head.weight\" is missing", e.Message);
    }

    [Fact]
    public void Weights_are_converted_to_the_requested_precision()
    {
        var m = TinyModel.Llama();
        using var model = Lem.Backends.TorchSharp.Models.ModelBuilder.Build(m.ParsedConfig, m.Source(), ScalarType.BFloat16, CPU, "test");
        Assert.All(model.named_parameters(), p => Assert.Equal(ScalarType.BFloat16, p.parameter.dtype));
        Assert.Equal(model.ParameterCount * 2, model.WeightBytes);
    }
}
