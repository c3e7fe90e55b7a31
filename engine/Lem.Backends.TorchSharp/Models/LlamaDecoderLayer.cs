using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Pre-norm block: x + attn(norm(x)), then + mlp(norm(·)), both added into x in place (the caller owns x).</summary>
internal sealed class LlamaDecoderLayer : nn.Module
{
    public readonly RmsNorm input_layernorm;
    public readonly LlamaAttention self_attn;
    public readonly RmsNorm post_attention_layernorm;
    public readonly LlamaMlp mlp;

    public LlamaDecoderLayer(WeightLoader w, string name, ModelConfig c, int layer) : base(name)
    {
        input_layernorm = new RmsNorm(w, name + ".input_layernorm", c.HiddenSize, c.NormEps);
        self_attn = new LlamaAttention(w, name + ".self_attn", c, layer);
        post_attention_layernorm = new RmsNorm(w, name + ".post_attention_layernorm", c.HiddenSize, c.NormEps);
        mlp = new LlamaMlp(w, name + ".mlp", c);
        register_module("input_layernorm", input_layernorm);
        register_module("self_attn", self_attn);
        register_module("post_attention_layernorm", post_attention_layernorm);
        register_module("mlp", mlp);
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, ForwardBatch batch)
    {
        // both residual additions happen in place in x, inside the products of o_proj and down_proj, and each norm inside
        // the product after it (on CUDA decode; ATen applies it first): the layer returns x itself
        var h = self_attn.Forward(x, input_layernorm, cos, sin, batch, residual: x);
        return mlp.ForwardInto(h, h, post_attention_layernorm, batch.Flops);
    }
}
