using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2 attention: fused c_attn (q, k, v) and c_proj, both Conv1D.</summary>
internal sealed class Gpt2Attention : nn.Module
{
    public readonly Conv1D c_attn;
    public readonly Conv1D c_proj;
    private readonly int _layer;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _hidden;

    public Gpt2Attention(WeightLoader w, string name, ModelConfig c, int layer) : base(name)
    {
        _layer = layer;
        _heads = c.NumAttentionHeads;
        _headDim = c.HeadDim;
        _hidden = c.HiddenSize;
        c_attn = new Conv1D(w, name + ".c_attn", _hidden, 3L * _hidden);
        c_proj = new Conv1D(w, name + ".c_proj", _hidden, _hidden);
        register_module("c_attn", c_attn);
        register_module("c_proj", c_proj);
    }

    public Tensor Forward(Tensor x, ForwardBatch batch)
    {
        var b = x.shape[0];
        var qLen = x.shape[1];
        var qkv = c_attn.Forward(x, batch.Flops).view(b, qLen, 3, _heads, _headDim);
        var q = qkv.select(2, 0);
        var k = qkv.select(2, 1);
        var v = qkv.select(2, 2);
        var attn = Attention.Compute(q, k, v, _layer, batch, _heads, _heads, _headDim);
        return c_proj.Forward(attn, batch.Flops);
    }
}
