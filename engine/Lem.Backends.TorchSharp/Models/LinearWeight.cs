using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// The weight of a linear layer, [out, in], as it is stored on the device: in the model dtype, or quantized (packed
/// values and fp16 scales, see <see cref="WeightQuantizer"/>). The CUDA GEMV reads the stored form; every other path
/// multiplies by <see cref="ForAten"/>, which dequantizes a quantized weight for that one product. The tensors are
/// parameters (TorchSharp's Parameter takes over a tensor's handle), which the owning module registers.
/// </summary>
internal sealed class LinearWeight : IDisposable
{
    private LinearWeight(Tensor stored, Tensor? scales, QuantizationScheme scheme, long inFeatures, long outFeatures)
    {
        Stored = stored as Parameter ?? new Parameter(stored, requires_grad: false);
        Scales = scales is null ? null : scales as Parameter ?? new Parameter(scales, requires_grad: false);
        Scheme = scheme;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>[out, in] in the model dtype, or the packed values (uint8 [out, in] for int8, [out, in/2] for int4).</summary>
    public Parameter Stored { get; }

    /// <summary>fp16 scales: [out] for int8, [out, in/128] for int4; null when not quantized.</summary>
    public Parameter? Scales { get; }

    public QuantizationScheme Scheme { get; }
    public long InFeatures { get; }
    public long OutFeatures { get; }

    /// <summary>Inputs that 16 bytes of a stored row hold (the GEMV's vector): 8 in bf16, 16 in int8, 32 in int4.</summary>
    public long InputsPerVector => Scheme switch { QuantizationScheme.Int8 => 16, QuantizationScheme.Int4 => 32, _ => 8 };

    /// <summary>Bytes on the device: the stored values and the scales.</summary>
    public long StoredBytes => Stored.numel() * Stored.element_size() + (Scales is null ? 0 : Scales.numel() * Scales.element_size());

    /// <summary>A weight kept as loaded.</summary>
    public static LinearWeight Dense(Tensor weight) => new(weight, null, QuantizationScheme.None, weight.shape[1], weight.shape[0]);

    /// <summary>A quantized weight over given stored values and scales (views of a fused weight's rows).</summary>
    public static LinearWeight Part(Tensor stored, Tensor scales, QuantizationScheme scheme, long inFeatures) =>
        new(stored, scales, scheme, inFeatures, stored.shape[0]);

    /// <summary>The weight quantized with <paramref name="scheme"/> (none keeps it); the dense tensor is disposed when it is quantized.</summary>
    public static LinearWeight From(Tensor weight, QuantizationScheme scheme, string name)
    {
        if (scheme == QuantizationScheme.None) return Dense(weight);
        var (packed, scales) = WeightQuantizer.Quantize(weight, scheme, name);
        var result = new LinearWeight(packed, scales, scheme, weight.shape[1], weight.shape[0]);
        weight.Dispose();
        return result;
    }

    /// <summary>
    /// The [out, in] weight for an ATen product in <paramref name="dtype"/>: the stored tensor itself, or a dequantized
    /// temporary in the caller's dispose scope (in bf16 on CUDA by one kernel where <see cref="FusedOps.DequantizeKernelOn"/>
    /// and 16 bytes of stored weight hold whole inputs; the same values).
    /// </summary>
    public Tensor ForAten(ScalarType dtype) =>
        Scheme == QuantizationScheme.None ? Stored
        : dtype == ScalarType.BFloat16 && InFeatures % InputsPerVector == 0 && FusedOps.Current is { } fused && fused.DequantizeServes(Stored)
            ? fused.Dequantize(Stored, Scales!, Scheme, InFeatures)
            : WeightQuantizer.Dequantize(Stored, Scales!, Scheme, InFeatures, dtype);

    /// <summary>Rows <paramref name="ids"/> of the weight in <paramref name="dtype"/> (an embedding lookup from the table), [n, in].</summary>
    public Tensor GatherRows(Tensor ids, ScalarType dtype)
    {
        if (Scheme == QuantizationScheme.None) return Stored.index_select(0, ids);
        using var scope = NewDisposeScope();
        return WeightQuantizer.Dequantize(Stored.index_select(0, ids), Scales!.index_select(0, ids), Scheme, InFeatures, dtype).DetachFromDisposeScope();
    }

    /// <summary>Output rows [offset, offset + count) as views (the parts of a fused projection).</summary>
    public (Tensor Stored, Tensor? Scales) Rows(long offset, long count) => (Stored.narrow(0, offset, count), Scales?.narrow(0, offset, count));

    /// <summary>A copy on <paramref name="device"/> (a pipeline's tied LM head on the last stage).</summary>
    public LinearWeight To(Device device) =>
        new(Stored.to(device).DetachFromDisposeScope(), Scales?.to(device).DetachFromDisposeScope(), Scheme, InFeatures, OutFeatures);

    /// <summary>Concatenates weights of the same scheme and in-features along the output dimension (fused projections).</summary>
    public static LinearWeight Concatenate(IReadOnlyList<Tensor> dense, QuantizationScheme scheme, string name)
    {
        var fused = cat(dense.ToArray(), 0).DetachFromDisposeScope();
        foreach (var part in dense) part.Dispose();
        return From(fused, scheme, name);
    }

    public void Dispose()
    {
        Stored.Dispose();
        Scales?.Dispose();
    }
}
