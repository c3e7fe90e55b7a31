using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Generation;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Cache update and attention shared by all families (scale 1/√head_dim): torch's scaled_dot_product_attention, or with
/// <see cref="ForwardBatch.ExplicitAttention"/> the explicit form of transformers' eager attention.
/// </summary>
internal static class Attention
{
    /// <param name="q">[b, q, heads, head_dim]</param>
    /// <param name="k">[b, q, kv_heads, head_dim]</param>
    /// <param name="v">[b, q, kv_heads, head_dim]</param>
    /// <returns>[b, q, heads·head_dim]</returns>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v, int layer, ForwardBatch batch, int heads, int kvHeads, int headDim)
    {
        var qLen = q.shape[1];
        Tensor keys, values;
        if (batch.WriteIndex is { } index)
        {
            if (qLen != 1 || batch.Mask is null)
                throw new InvalidOperationException("Static-shape decode takes one token per row and a mask over the whole cache.");
            (keys, values) = batch.Cache.WriteAt(layer, index, k.transpose(1, 2), v.transpose(1, 2));
        }
        else
        {
            (keys, values) = batch.Cache.Append(layer, batch.CacheOffset, k.transpose(1, 2), v.transpose(1, 2));
        }
        return OverCache(q, keys, values, batch, heads, kvHeads, headDim);
    }

    /// <summary>Attention of q [b, q, heads, head_dim] over keys and values already in the cache, [b, kv_heads, kv, head_dim].</summary>
    /// <returns>[b, q, heads·head_dim]</returns>
    public static Tensor OverCache(Tensor q, Tensor keys, Tensor values, ForwardBatch batch, int heads, int kvHeads, int headDim)
    {
        var b = q.shape[0];
        var qLen = q.shape[1];
        batch.Flops?.Attention(b, heads, qLen, keys.shape[2], headDim);
        var groups = heads / kvHeads;

        if (qLen == 1 && !batch.ExplicitAttention && DecodeKernelServes(q, keys, values, batch, headDim))
            return FusedOps.Current!.DecodeAttention(q, keys, values, batch.Mask!, heads, kvHeads);

        if (batch.ExplicitAttention)
            return Explicit(q.transpose(1, 2), keys, values, batch.Mask, groups, headDim).transpose(1, 2).reshape(b, qLen, heads * headDim);

        if (qLen == 1)
        {
            // Decode: the query heads that share a KV head become the rows of one attention, so grouped-query
            // attention needs no copy of the cache. A [b, 1, 1, kv] mask broadcasts over them.
            var grouped = q.reshape(b, kvHeads, groups, headDim);
            var outGrouped = nn.functional.scaled_dot_product_attention(grouped, keys, values, batch.Mask);
            return outGrouped.reshape(b, 1, heads * headDim);
        }

        if (batch.Mask is null && batch.CacheOffset != 0)
            throw new InvalidOperationException("A multi-token forward after the cache start needs an explicit mask.");
        if (groups > 1)
        {
            keys = keys.repeat_interleave(groups, dim: 1);
            values = values.repeat_interleave(groups, dim: 1);
        }
        var output = nn.functional.scaled_dot_product_attention(q.transpose(1, 2), keys, values, batch.Mask, 0.0, batch.Mask is null);
        return output.transpose(1, 2).reshape(b, qLen, heads * headDim);
    }

    /// <summary>
    /// Whether the one-query decode-attention kernel serves static-shape decode steps: no, unless the environment
    /// variable <see cref="DecodeAttentionVariable"/> is <c>kernel</c> (A/B benchmarks; the record's decode-kernel fact
    /// says which ran). torch's SDPA is the default because it is faster end to end: in one device call on an H100
    /// (2026-12-07, ab-commits.sh, Llama-3.2-1B shape, 128 + 128 tokens, graphs) the kernel's steps took 1.598 / 1.830 /
    /// 1.991 ms at batch 1 / 8 / 32 against SDPA's 1.335 / 1.512 / 1.685 ms, with the same GEMV
    /// (docs/benchmarks/2026-12-07-h100-ab.md). Those figures were for the kernel that gave each query head one block;
    /// the kernel now splits the cache over blocks of 32 positions that share each KV head's loads among its query heads.
    /// It computes the same tokens (graphs equal eager, parity with transformers) but is still slower than SDPA: 1.442
    /// against 1.340 ms per step at batch 1 and 1.894 against 1.609 ms at batch 32 on an H100, one call, programmatic
    /// launch on (docs/benchmarks/2026-12-07-h100-decode-pdl.md).
    /// </summary>
    public static bool DecodeAttentionKernelOn => KernelOn.Value;

    public const string DecodeAttentionVariable = "LEM_TORCHSHARP_DECODE_ATTENTION";

    private static readonly Lazy<bool> KernelOn = Runtime.EnvironmentSwitch.Read(DecodeAttentionVariable, off: "sdpa", on: "kernel");

    /// <summary>
    /// A static-shape decode step (one query per row, the whole cache under an additive mask) on CUDA in bf16: one NVRTC
    /// kernel instead of SDPA, where <see cref="DecodeAttentionKernelOn"/> asks for it.
    /// </summary>
    private static bool DecodeKernelServes(Tensor q, Tensor keys, Tensor values, ForwardBatch batch, int headDim) =>
        DecodeAttentionKernelOn && batch.WriteIndex is not null && batch.Mask is { } mask && FusedOps.Current is { } fused
        && fused.DecodeKernelsServe(q) && fused.DecodeKernelsServe(keys) && fused.DecodeKernelsServe(values) && fused.DecodeKernelsServe(mask)
        && mask.numel() == keys.shape[0] * keys.shape[2] && keys.shape[2] <= FusedOps.DecodeAttentionMaxPositions
        && headDim is 32 or 64 or 128 or 256 && q.shape[2] / keys.shape[1] <= 16;

    /// <summary>
    /// softmax(q·kᵀ/√d + mask) in fp32, cast back, times v: transformers' eager attention. Masked positions take the
    /// dtype's lowest value (not −∞), as there. q [b, heads, q, d], keys/values [b, kv_heads, kv, d] → [b, heads, q, d].
    /// </summary>
    private static Tensor Explicit(Tensor q, Tensor keys, Tensor values, Tensor? mask, int groups, int headDim)
    {
        if (groups > 1)
        {
            keys = keys.repeat_interleave(groups, dim: 1);
            values = values.repeat_interleave(groups, dim: 1);
        }
        var scores = matmul(q, keys.transpose(2, 3)).mul_(1.0 / Math.Sqrt(headDim));
        var lowest = q.dtype switch
        {
            ScalarType.BFloat16 => -3.3895313892515355e38,
            ScalarType.Float16 => -65504.0,
            _ => float.MinValue,
        };
        if (mask is null && q.shape[2] > 1)
        {
            var qLen = q.shape[2];
            mask = ones([qLen, keys.shape[2]], ScalarType.Bool, q.device).tril(keys.shape[2] - qLen);
        }
        if (mask is not null)
            scores = mask.dtype == ScalarType.Bool
                ? scores.masked_fill(mask.logical_not(), lowest)
                : scores.add(mask).clamp_min_(lowest);
        var probs = nn.functional.softmax(scores, -1, ScalarType.Float32).to(q.dtype);
        return matmul(probs, values);
    }
}
