using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Quantization;

/// <summary>
/// Quantizes a weight [out, in] and back, with TorchSharp operators on the weight's device. Stored layouts, which the
/// CUDA kernels of lem_decode_kernels.cpp read:
/// <list type="bullet">
/// <item>int8: uint8 [out, in] holding q + 128, q = round(w / s) in [−127, 127], s = max|w| of the row / 127.</item>
/// <item>int4: uint8 [out, in/2]; q = round(w / s) in [−7, 7] with s = max|w| of a group of 128 inputs / 7, stored as
/// q + 8; in every 4 bytes (8 inputs), byte j holds input j in its low nibble and input j + 4 in its high nibble.</item>
/// </list>
/// Scales are fp16 ([out] or [out, in/128]); q is computed from the fp16-rounded scale, so dequantizing is exact.
/// </summary>
public static class WeightQuantizer
{
    public const int Int4GroupSize = 128;

    // fp16's smallest normal number: a scale never underflows to 0 (an all-zero row then stores zeros)
    private const double MinScale = 6.103515625e-05;

    /// <exception cref="InferenceException">int4 with in-features that are not a multiple of the group size.</exception>
    public static (Tensor Packed, Tensor Scales) Quantize(Tensor weight, QuantizationScheme scheme, string name)
    {
        var (rows, cols) = (weight.shape[0], weight.shape[1]);
        using var scope = NewDisposeScope();
        var w = weight.to(ScalarType.Float32);
        switch (scheme)
        {
            case QuantizationScheme.Int8:
            {
                var scale = w.abs().amax([1], keepdim: true).div_(127).clamp_min_(MinScale).to(ScalarType.Float16);
                var q = w.div(scale.to(ScalarType.Float32)).round_().clamp_(-127, 127).add_(128).to(ScalarType.Byte);
                return (q.contiguous().DetachFromDisposeScope(), scale.view(rows).contiguous().DetachFromDisposeScope());
            }
            case QuantizationScheme.Int4:
            {
                if (cols % Int4GroupSize != 0)
                    throw new InferenceException(
                        $"quantization = int4 quantizes groups of {Int4GroupSize} inputs, but \"{name}\" has {cols} inputs, not a multiple of {Int4GroupSize}; use quantization = int8 for this model.");
                var groups = cols / Int4GroupSize;
                var grouped = w.view(rows, groups, Int4GroupSize);
                var scale = grouped.abs().amax([2], keepdim: true).div_(7).clamp_min_(MinScale).to(ScalarType.Float16);
                var q = grouped.div(scale.to(ScalarType.Float32)).round_().clamp_(-7, 7).add_(8).to(ScalarType.Int16).view(rows, cols / 8, 2, 4);
                var packed = q.select(2, 1).mul(16).add_(q.select(2, 0)).to(ScalarType.Byte).view(rows, cols / 2);
                return (packed.contiguous().DetachFromDisposeScope(), scale.view(rows, groups).contiguous().DetachFromDisposeScope());
            }
            default:
                throw new ArgumentException("nothing to quantize for scheme none", nameof(scheme));
        }
    }

    /// <summary>
    /// The weight [out, in] in <paramref name="dtype"/> from its stored form (computed in fp32, rounded once), in the
    /// caller's dispose scope: a temporary for one product is freed with the caller's scope, not left to the finalizer.
    /// </summary>
    public static Tensor Dequantize(Tensor packed, Tensor scales, QuantizationScheme scheme, long inFeatures, ScalarType dtype)
    {
        var rows = packed.shape[0];
        using var scope = NewDisposeScope();
        Tensor w;
        switch (scheme)
        {
            case QuantizationScheme.Int8:
                w = packed.to(ScalarType.Float32).sub_(128).mul_(scales.to(ScalarType.Float32).view(rows, 1));
                break;
            case QuantizationScheme.Int4:
            {
                var bytes = packed.to(ScalarType.Int16).view(rows, inFeatures / 8, 1, 4);
                var q = cat([bytes.remainder(16), bytes.floor_divide(16)], 2).view(rows, inFeatures / Int4GroupSize, Int4GroupSize);
                w = q.to(ScalarType.Float32).sub_(8).mul_(scales.to(ScalarType.Float32).unsqueeze(2)).view(rows, inFeatures);
                break;
            }
            default:
                throw new ArgumentException("nothing to dequantize for scheme none", nameof(scheme));
        }
        return w.to(dtype).MoveToOuterDisposeScope();
    }
}
