using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2 attention: fused c_attn (q, k, v) and c_proj, both Conv1D.</summary>
internal sealed class Gpt2Attention : nn.Module
{
    public readonly Conv1D c_attn;
    public readonly Conv1D c_proj;
    private readonly int _cacheSlot;
    private readonly int _heads;
    private readonly int _headDim;

    /// <param name="shard">The share of the heads this module holds (tensor parallelism: its q, k and v columns of
    /// c_attn, its rows of c_proj); its keys and values go to KV-cache slot rank · layers + layer.</param>
    public Gpt2Attention(WeightLoader w, string name, ModelConfig c, int layer, TensorShard shard) : base(name)
    {
        _cacheSlot = shard.Rank * c.NumHiddenLayers + layer;
        _heads = c.NumAttentionHeads / shard.Count;
        _headDim = c.HeadDim;
        c_attn = new Conv1D(w, name + ".c_attn", c.HiddenSize, 3L * c.HiddenSize, shard, ShardAxis.Output, blocks: 3);
        c_proj = new Conv1D(w, name + ".c_proj", c.HiddenSize, c.HiddenSize, shard, ShardAxis.Input);
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
        var attn = Attention.Compute(q, k, v, _cacheSlot, batch, _heads, _heads, _headDim);
        return c_proj.Forward(attn, batch.Flops);
    }
}
