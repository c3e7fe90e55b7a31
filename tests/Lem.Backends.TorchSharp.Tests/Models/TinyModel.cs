using System.Text.Json.Nodes;
using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Tests.Models;

/// <summary>
/// Tiny random checkpoints written out by hand, name by name, in the Hugging Face spelling of each family —
/// independent of the model code, so that loading is checked against the real key names.
/// </summary>
internal sealed class TinyModel
{
    public const int Vocab = 64;

    public required JsonObject Config { get; init; }
    public required Dictionary<string, Tensor> Tensors { get; init; }

    public string ConfigJson => Config.ToJsonString();
    public ModelConfig ParsedConfig => ModelConfig.Parse(ConfigJson, "test/config.json");

    public InMemoryWeightSource Source() => new(Tensors);

    public CausalLM Build() => ModelBuilder.Build(ParsedConfig, Source(), ScalarType.Float32, CPU, "test");

    /// <param name="hidden">Hidden size (heads × head_dim, 4 heads); 128 and more give int4-quantizable shapes.</param>
    public static TinyModel Llama(int seed = 1, bool tied = false, string modelType = "llama", int kvHeads = 2, JsonObject? ropeScaling = null,
        int hidden = 32, int inter = 48)
    {
        const int heads = 4, layers = 2;
        var headDim = hidden / heads;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = modelType,
            ["vocab_size"] = Vocab,
            ["hidden_size"] = hidden,
            ["intermediate_size"] = inter,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = kvHeads,
            ["max_position_embeddings"] = 128,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 10000.0,
            ["tie_word_embeddings"] = tied,
            ["hidden_act"] = "silu",
            ["eos_token_id"] = 2,
            ["bos_token_id"] = 1,
        };
        if (ropeScaling is not null) config["rope_scaling"] = ropeScaling;
        if (modelType == "qwen3") config["head_dim"] = headDim;

        var g = new Random(seed);
        var t = new Dictionary<string, Tensor>();
        t["model.embed_tokens.weight"] = Rand(g, 0.5, Vocab, hidden);
        for (var i = 0; i < layers; i++)
        {
            var p = $"model.layers.{i}.";
            t[p + "input_layernorm.weight"] = Norm(g, hidden);
            t[p + "post_attention_layernorm.weight"] = Norm(g, hidden);
            t[p + "self_attn.q_proj.weight"] = Rand(g, 0.2, heads * headDim, hidden);
            t[p + "self_attn.k_proj.weight"] = Rand(g, 0.2, kvHeads * headDim, hidden);
            t[p + "self_attn.v_proj.weight"] = Rand(g, 0.2, kvHeads * headDim, hidden);
            t[p + "self_attn.o_proj.weight"] = Rand(g, 0.2, hidden, heads * headDim);
            if (modelType == "qwen2")
            {
                t[p + "self_attn.q_proj.bias"] = Rand(g, 0.1, heads * headDim);
                t[p + "self_attn.k_proj.bias"] = Rand(g, 0.1, kvHeads * headDim);
                t[p + "self_attn.v_proj.bias"] = Rand(g, 0.1, kvHeads * headDim);
            }
            if (modelType == "qwen3")
            {
                t[p + "self_attn.q_norm.weight"] = Norm(g, headDim);
                t[p + "self_attn.k_norm.weight"] = Norm(g, headDim);
            }
            t[p + "mlp.gate_proj.weight"] = Rand(g, 0.2, inter, hidden);
            t[p + "mlp.up_proj.weight"] = Rand(g, 0.2, inter, hidden);
            t[p + "mlp.down_proj.weight"] = Rand(g, 0.2, hidden, inter);
        }
        t["model.norm.weight"] = Norm(g, hidden);
        if (!tied) t["lm_head.weight"] = Rand(g, 0.5, Vocab, hidden);
        return new TinyModel { Config = config, Tensors = t };
    }

    /// <param name="prefixed">Keys spelled "transformer.h.0..." (saved from GPT2LMHeadModel) rather than "h.0..." (the original upload).</param>
    public static TinyModel Gpt2(int seed = 1, bool prefixed = false)
    {
        const int hidden = 32, heads = 4, layers = 2, positions = 128;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["model_type"] = "gpt2",
            ["vocab_size"] = Vocab,
            ["n_embd"] = hidden,
            ["n_layer"] = layers,
            ["n_head"] = heads,
            ["n_positions"] = positions,
            ["n_inner"] = null,
            ["layer_norm_epsilon"] = 1e-5,
            ["activation_function"] = "gelu_new",
            ["eos_token_id"] = 2,
        };
        var g = new Random(seed);
        var pre = prefixed ? "transformer." : "";
        var t = new Dictionary<string, Tensor>();
        t[pre + "wte.weight"] = Rand(g, 0.5, Vocab, hidden);
        t[pre + "wpe.weight"] = Rand(g, 0.1, positions, hidden);
        for (var i = 0; i < layers; i++)
        {
            var p = $"{pre}h.{i}.";
            t[p + "ln_1.weight"] = Norm(g, hidden);
            t[p + "ln_1.bias"] = Rand(g, 0.1, hidden);
            t[p + "attn.c_attn.weight"] = Rand(g, 0.2, hidden, 3 * hidden);
            t[p + "attn.c_attn.bias"] = Rand(g, 0.1, 3 * hidden);
            t[p + "attn.c_proj.weight"] = Rand(g, 0.2, hidden, hidden);
            t[p + "attn.c_proj.bias"] = Rand(g, 0.1, hidden);
            t[p + "attn.bias"] = ones(1, 1, positions, positions).tril();
            t[p + "ln_2.weight"] = Norm(g, hidden);
            t[p + "ln_2.bias"] = Rand(g, 0.1, hidden);
            t[p + "mlp.c_fc.weight"] = Rand(g, 0.2, hidden, 4 * hidden);
            t[p + "mlp.c_fc.bias"] = Rand(g, 0.1, 4 * hidden);
            t[p + "mlp.c_proj.weight"] = Rand(g, 0.2, 4 * hidden, hidden);
            t[p + "mlp.c_proj.bias"] = Rand(g, 0.1, hidden);
        }
        t[pre + "ln_f.weight"] = Norm(g, hidden);
        t[pre + "ln_f.bias"] = Rand(g, 0.1, hidden);
        return new TinyModel { Config = config, Tensors = t };
    }

    public static Tensor Rand(Random g, double scale, params long[] shape)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Box-Muller normal draws from a seeded System.Random: the same numbers on every machine.
            var u1 = 1.0 - g.NextDouble();
            var u2 = g.NextDouble();
            data[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return tensor(data, shape);
    }

    private static Tensor Norm(Random g, long size) => Rand(g, 0.1, size).add_(1.0);
}
