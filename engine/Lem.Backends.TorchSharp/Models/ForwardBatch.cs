using Lem.Backends.TorchSharp.Generation;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// What one forward call needs besides the token ids [b, q].
/// </summary>
/// <param name="PositionIds">[b, q] int64, counted from each row's first real token.</param>
/// <param name="Mask">Broadcastable to [b, heads, q, offset+q]: bool, true where a query may attend, or additive in the
/// model dtype (0 where it may attend, −∞ elsewhere; static-shape decode), causality and padding already folded in;
/// null when no row is padded (prefill then runs causal, a one-token decode unmasked).</param>
/// <param name="CacheOffset">Sequence index at which the q new keys and values are written.</param>
/// <param name="MaxPosition">The largest value in <paramref name="PositionIds"/> (known on the host, so no sync is needed).</param>
/// <param name="WriteIndex">Static-shape decode: a one-element int64 device tensor holding the cache position of the
/// single new token. Attention then runs over the whole cache under <paramref name="Mask"/> ([b, 1, 1, capacity]),
/// so every step has the same shapes (CUDA-graph friendly). Null: the cache prefix up to the new token is used.</param>
/// <param name="ExplicitAttention">torchsharp.attention = eager: attention as matmul, softmax in fp32, matmul (as
/// transformers' eager attention) instead of scaled_dot_product_attention.</param>
public sealed record ForwardBatch(
    Tensor PositionIds,
    Tensor? Mask,
    long CacheOffset,
    long MaxPosition,
    KvCache Cache,
    FlopCounter? Flops,
    Tensor? WriteIndex = null,
    bool ExplicitAttention = false)
{
    /// <summary>The same batch with its tensors on <paramref name="device"/>: a pipeline stage moves them once per forward.</summary>
    public ForwardBatch On(Device device) =>
        this with { PositionIds = PositionIds.to(device), Mask = Mask?.to(device), WriteIndex = WriteIndex?.to(device) };
}
