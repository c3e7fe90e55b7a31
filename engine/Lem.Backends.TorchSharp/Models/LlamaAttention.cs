using Lem.Backends.TorchSharp.CudaGraphs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// self_attn of Llama, Mistral, Qwen2 (q/k/v bias) and Qwen3 (q_norm/k_norm per head before RoPE). q/k/v run as one
/// fused projection; without q/k norms, RoPE rotates queries and keys in one pass as well.
/// </summary>
internal sealed class LlamaAttention : nn.Module
{
    public readonly Linear q_proj;
    public readonly Linear k_proj;
    public readonly Linear v_proj;
    public readonly Linear o_proj;
    public readonly RmsNorm? q_norm;
    public readonly RmsNorm? k_norm;
    private readonly FusedLinear _qkv;
    private readonly int _cacheSlot;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    /// <param name="shard">The share of the heads this module holds (tensor parallelism: column-parallel q/k/v, row-parallel
    /// o_proj); its keys and values go to KV-cache slot rank · layers + layer.</param>
    public LlamaAttention(WeightLoader w, string name, ModelConfig c, int layer, TensorShard shard) : base(name)
    {
        _cacheSlot = shard.Rank * c.NumHiddenLayers + layer;
        _heads = c.NumAttentionHeads / shard.Count;
        _kvHeads = c.NumKeyValueHeads / shard.Count;
        _headDim = c.HeadDim;
        var (qkv, parts) = FusedLinear.Load(w, name, c.HiddenSize,
            [("q_proj", (long)c.NumAttentionHeads * _headDim), ("k_proj", (long)c.NumKeyValueHeads * _headDim), ("v_proj", (long)c.NumKeyValueHeads * _headDim)],
            c.QkvBias, w.Quantization, shard);
        _qkv = qkv;
        (q_proj, k_proj, v_proj) = (parts[0], parts[1], parts[2]);
        o_proj = new Linear(w, name + ".o_proj", (long)c.NumAttentionHeads * _headDim, c.HiddenSize, c.OutputBias, w.Quantization, shard, ShardAxis.Input);
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

    /// <summary>o_proj(attention(norm(x))); with <paramref name="residual"/> (owned by the caller) the projection is added
    /// into it in place and the residual is returned. The norm runs inside the q/k/v product where that is a GEMV.</summary>
    public Tensor Forward(Tensor x, RmsNorm? norm, Tensor cos, Tensor sin, ForwardBatch batch, Tensor? residual = null)
    {
        var b = x.shape[0];
        var qLen = x.shape[1];
        var staticDecode = q_norm is null && qLen == 1 && batch.WriteIndex is not null && FusedOps.Current is not null;
        if (staticDecode)
        {
            // static-shape decode step: the projection, RoPE and the cache write in one kernel where the GEMV serves
            var (keys, values) = batch.Cache.Layer(_cacheSlot);
            if (_qkv.ForwardWithRope(x, batch.Flops, norm, cos, sin, batch.WriteIndex!, keys, values, _heads, _kvHeads) is { } rotatedQueries)
                return Project(Attention.OverCache(rotatedQueries, keys, values, batch, _heads, _kvHeads, _headDim), residual, batch);
        }
        var qkv = _qkv.Forward(x, batch.Flops, norm).view(b, qLen, _heads + 2 * _kvHeads, _headDim);
        if (staticDecode && FusedOps.Current!.DecodeKernelsServe(qkv))
        {
            // otherwise RoPE on queries and keys and the cache write in one kernel after the projection
            var (keys, values) = batch.Cache.Layer(_cacheSlot);
            var rotated = FusedOps.Current.RopeKvWrite(qkv, cos, sin, batch.WriteIndex!, keys, values, _heads, _kvHeads);
            return Project(Attention.OverCache(rotated, keys, values, batch, _heads, _kvHeads, _headDim), residual, batch);
        }
        var v = qkv.narrow(2, _heads + _kvHeads, _kvHeads);
        Tensor q, k;
        if (q_norm is not null && k_norm is not null)
        {
            q = RotaryEmbedding.Apply(q_norm.Forward(qkv.narrow(2, 0, _heads)), cos, sin, _headDim);
            k = RotaryEmbedding.Apply(k_norm.Forward(qkv.narrow(2, _heads, _kvHeads)), cos, sin, _headDim);
        }
        else
        {
            var qk = RotaryEmbedding.Apply(qkv.narrow(2, 0, _heads + _kvHeads), cos, sin, _headDim);
            q = qk.narrow(2, 0, _heads);
            k = qk.narrow(2, _heads, _kvHeads);
        }
        var attn = Attention.Compute(q, k, v, _cacheSlot, batch, _heads, _kvHeads, _headDim);
        return Project(attn, residual, batch);
    }

    private Tensor Project(Tensor attn, Tensor? residual, ForwardBatch batch) =>
        residual is null ? o_proj.Forward(attn, batch.Flops) : o_proj.ForwardInto(residual, attn, batch.Flops);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _qkv.Dispose();
        base.Dispose(disposing);
    }
}
