using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Pre-norm block: x + attn(norm(x)), then + mlp(norm(·)), both added into x in place (the caller owns x).</summary>
internal sealed class LlamaDecoderLayer : nn.Module, IDecoderBlock
{
    public readonly RmsNorm input_layernorm;
    public readonly LlamaAttention self_attn;
    public readonly RmsNorm post_attention_layernorm;
    public readonly LlamaMlp mlp;

    /// <param name="shard">The share of the layer this module holds (the norms are whole on every rank).</param>
    public LlamaDecoderLayer(WeightLoader w, string name, ModelConfig c, int layer, TensorShard shard) : base(name)
    {
        input_layernorm = new RmsNorm(w, name + ".input_layernorm", c.HiddenSize, c.NormEps);
        self_attn = new LlamaAttention(w, name + ".self_attn", c, layer, shard);
        post_attention_layernorm = new RmsNorm(w, name + ".post_attention_layernorm", c.HiddenSize, c.NormEps);
        mlp = new LlamaMlp(w, name + ".mlp", c, shard);
        register_module("input_layernorm", input_layernorm);
        register_module("self_attn", self_attn);
        register_module("post_attention_layernorm", post_attention_layernorm);
        register_module("mlp", mlp);
    }

    // both residual additions happen in place in x, inside the products of o_proj and down_proj, and each norm inside
    // the product after it (on CUDA decode; ATen applies it first): the whole layer returns x itself
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, ForwardBatch batch) =>
        MlpHalf(AttentionHalf(x, new LayerInputs(cos, sin), batch, addResidual: true), batch, addResidual: true);

    public Tensor AttentionHalf(Tensor x, LayerInputs inputs, ForwardBatch batch, bool addResidual) =>
        self_attn.Forward(x, input_layernorm, inputs.Cos!, inputs.Sin!, batch, residual: addResidual ? x : null);

    public Tensor MlpHalf(Tensor h, ForwardBatch batch, bool addResidual) =>
        addResidual ? mlp.ForwardInto(h, h, post_attention_layernorm, batch.Flops) : mlp.Forward(h, post_attention_layernorm, batch.Flops);
}
