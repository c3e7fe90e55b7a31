using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>self_attn of Llama, Mistral, Qwen2 (q/k/v bias) and Qwen3 (q_norm/k_norm per head before RoPE).</summary>
internal sealed class LlamaAttention : nn.Module
{
    public readonly Linear q_proj;
    public readonly Linear k_proj;
    public readonly Linear v_proj;
    public readonly Linear o_proj;
    public readonly RmsNorm? q_norm;
    public readonly RmsNorm? k_norm;
    private readonly int _layer;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public LlamaAttention(WeightLoader w, string name, ModelConfig c, int layer) : base(name)
    {
        _layer = layer;
        _heads = c.NumAttentionHeads;
        _kvHeads = c.NumKeyValueHeads;
        _headDim = c.HeadDim;
        q_proj = new Linear(w, name + ".q_proj", c.HiddenSize, _heads * _headDim, c.QkvBias);
        k_proj = new Linear(w, name + ".k_proj", c.HiddenSize, _kvHeads * _headDim, c.QkvBias);
        v_proj = new Linear(w, name + ".v_proj", c.HiddenSize, _kvHeads * _headDim, c.QkvBias);
        o_proj = new Linear(w, name + ".o_proj", _heads * _headDim, c.HiddenSize, c.OutputBias);
        register_module("q_proj", q_proj);
        register_module("k_proj", k_proj);
        register_module("v_proj", v_proj);
        register_module("o_proj", o_proj);
        if (c.QkNorm)
        {
            q_norm = new RmsNorm(w, name + ".q_norm", _headDim, c.NormEps);
            k_norm = new RmsNorm(w, name + ".k_norm", _headDim, c.NormEps);
            register_module("q_norm", q_norm);
            register_module("k_norm", k_norm);
        }
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, ForwardBatch batch)
    {
        var b = x.shape[0];
        var qLen = x.shape[1];
        var q = q_proj.Forward(x, batch.Flops).view(b, qLen, _heads, _headDim);
        var k = k_proj.Forward(x, batch.Flops).view(b, qLen, _kvHeads, _headDim);
        var v = v_proj.Forward(x, batch.Flops).view(b, qLen, _kvHeads, _headDim);
        if (q_norm is not null && k_norm is not null)
        {
            q = q_norm.Forward(q);
            k = k_norm.Forward(k);
        }
        q = RotaryEmbedding.Apply(q, cos, sin, _headDim);
        k = RotaryEmbedding.Apply(k, cos, sin, _headDim);
        var attn = Attention.Compute(q, k, v, _layer, batch, _heads, _kvHeads, _headDim);
        return o_proj.Forward(attn, batch.Flops);
    }
}
