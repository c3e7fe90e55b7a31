using Lem.Engine.Flops;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Counts the floating-point operations of the matrix products a forward pass executes, with the shapes that
/// actually pass through (padding included). A multiply-add counts 2. Counted: every projection and MLP matmul,
/// the LM head, and attention as two products QK^T and AV of 2·b·h·q_len·kv_len·head_dim each, where kv_len is
/// the key length handed to scaled_dot_product_attention (the full rectangle, causal-masked part included).
/// Not counted: element-wise work (norms, activations, RoPE, softmax, bias adds, residual adds, sampling).
/// </summary>
public sealed class FlopCounter
{
    /// <summary>When true, operations are added to the decode total, otherwise to the prefill total.</summary>
    public bool Decoding { get; set; }

    public double PrefillFlops { get; private set; }
    public double DecodeFlops { get; private set; }

    /// <summary>[rows × inner] · [inner × cols].</summary>
    public void Matmul(long rows, long inner, long cols) => Add(2.0 * rows * inner * cols);

    /// <summary>QK^T and AV for <paramref name="heads"/> query heads.</summary>
    public void Attention(long batch, long heads, long queryLength, long keyLength, long headDim) =>
        Add(2 * (2.0 * batch * heads * queryLength * keyLength * headDim));

    public FlopCount ToFlopCount() => new(PrefillFlops, DecodeFlops);

    /// <summary>Adds operations counted elsewhere (a captured CUDA-graph step, counted once at capture, per replay).</summary>
    public void AddDecode(double flops) => DecodeFlops += flops;

    /// <summary>Adds prefill operations counted elsewhere (a captured prefill graph, counted once at capture, per replay).</summary>
    public void AddPrefill(double flops) => PrefillFlops += flops;

    private void Add(double flops)
    {
        if (Decoding) DecodeFlops += flops;
        else PrefillFlops += flops;
    }
}
