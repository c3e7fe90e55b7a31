using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Quantization;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>What a projection does with its product besides returning it.</summary>
internal enum ProjectionOutput
{
    /// <summary>y = x·Wᵀ + b.</summary>
    Plain = 0,

    /// <summary>residual += x·Wᵀ in place (the residual is returned).</summary>
    AddToResidual = 1,

    /// <summary>silu(gate) · up of the fused gate/up product, [.., out/2].</summary>
    SiluMul = 2,

    /// <summary>The product as fp32 (the LM head's logits).</summary>
    Float32 = 3,
}

/// <summary>
/// Every linear layer of the Llama family and the LM head go through here: on CUDA in bf16 with few rows (decode steps:
/// <see cref="GemvMaxRows"/>, or <see cref="QuantizedGemvMaxRows"/> for a quantized weight, or up to 32 on tensor cores) one NVRTC GEMV kernel that
/// streams the stored weight and folds in the RMSNorm before it and what <see cref="ProjectionOutput"/> asks; otherwise
/// the same computation with ATen operators (a quantized weight dequantized for the product). Which path runs depends only on
/// shapes and dtypes, so eager and CUDA-graph decoding run the same one.
/// </summary>
internal static class Projection
{
    /// <summary>
    /// Rows (tokens) up to which the GEMV replaces cuBLAS for a bf16 weight: 1. Measured on the H200 (Llama-3.2-1B
    /// shape, same call): at batch 1 the GEMV step took 1.37 ms against cuBLAS's 1.64 ms; at batch 8, 3.23 ms against
    /// 1.63 ms (the GEMV re-decodes each weight vector for every row and has no tiling over rows). The environment
    /// variable <see cref="GemvMaxRowsVariable"/> (0 to 8) overrides it for A/B benchmarks; the record's decode-kernel
    /// fact says the value in force.
    /// </summary>
    public static int GemvMaxRows => MaxRows.Value;

    private static readonly Lazy<int> MaxRows = new(MaxRowsFromEnvironment);

    public const string GemvMaxRowsVariable = "LEM_TORCHSHARP_GEMV_MAX_ROWS";
    private const int DefaultGemvMaxRows = 1;

    private static int MaxRowsFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(GemvMaxRowsVariable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultGemvMaxRows;
        if (int.TryParse(text, out var rows) && rows is >= 0 and <= 8) return rows;
        throw new Lem.Engine.Inference.InferenceException($"{GemvMaxRowsVariable} is \"{text}\"; it must be a whole number from 0 (cuBLAS only) to 8.");
    }

    /// <summary>
    /// Rows up to which the GEMV serves a quantized weight (in chunks of 8 rows, the weight tile re-read from L2): more
    /// arithmetic than cuBLAS would do, but no dequantized copy of the weight written and read at every step. From 2 rows (or 1,
    /// see <see cref="GemvTuning.MmaMinRowsVariable"/>) the tensor-core GEMV serves them instead where <see cref="GemvTuning.MmaVariable"/> says so (and the native
    /// side finds its kernels and shapes: otherwise the CUDA-core GEMV).
    /// </summary>
    public const int QuantizedGemvMaxRows = 32;

    public static bool GemvServes(Tensor x, LinearWeight w) =>
        FusedOps.Current is { } fused && fused.DecodeKernelsServe(x) && w.Stored.device_type == global::TorchSharp.DeviceType.CUDA
        && x.shape[^1] == w.InFeatures && w.InFeatures % w.InputsPerVector == 0
        && (w.Scheme != QuantizationScheme.Int4 || w.InFeatures % WeightQuantizer.Int4GroupSize == 0)
        && GemvTakesRows(x.numel() / w.InFeatures, w, fused.MmaGemvReady(x), GemvTuning.Current, GemvMaxRows);

    /// <summary>
    /// Whether the GEMV takes <paramref name="rows"/> rows of <paramref name="w"/>: a quantized weight up to
    /// <see cref="QuantizedGemvMaxRows"/>; a bf16 one up to <paramref name="denseMaxRows"/> (<see cref="GemvMaxRows"/>),
    /// and from <see cref="GemvTuning.MmaMinRows"/> to 32 rows where the tensor-core GEMV serves every weight
    /// (<see cref="GemvTuning.MmaVariable"/> = all, <paramref name="mmaReady"/> on the device) and so replaces cuBLAS.
    /// The native side takes the tensor-core path for in-features that four weight vectors divide (32 for bf16).
    /// </summary>
    internal static bool GemvTakesRows(long rows, LinearWeight w, bool mmaReady, GemvTuning tuning, int denseMaxRows) =>
        w.Scheme != QuantizationScheme.None
            ? rows <= QuantizedGemvMaxRows
            : rows <= denseMaxRows
              || (mmaReady && tuning.Mma == TensorCoreGemv.All && rows >= tuning.MmaMinRows && rows <= QuantizedGemvMaxRows
                  && w.InFeatures % (4 * w.InputsPerVector) == 0);

    /// <summary>
    /// The fused q/k/v projection of a static decode step with RoPE and the KV-cache write in the same GEMV kernel
    /// (see <see cref="FusedOps.GemvRope"/>), where the GEMV serves x and the position and cache tensors are bf16 and
    /// contiguous on the GPU; null otherwise (the caller then projects and rotates in two steps).
    /// </summary>
    /// <returns>The rotated queries [rows, 1, heads, d].</returns>
    public static Tensor? ApplyWithRope(Tensor x, LinearWeight w, Tensor? bias, FlopCounter? flops, RmsNorm? norm, Tensor cos, Tensor signedSin,
        Tensor index, Tensor keys, Tensor values, int heads, int kvHeads)
    {
        if (!GemvServes(x, w) || FusedOps.Current is not { } fused
            || !fused.DecodeKernelsServe(cos) || !fused.DecodeKernelsServe(signedSin) || !fused.DecodeKernelsServe(keys) || !fused.DecodeKernelsServe(values))
            return null;
        flops?.Matmul(x.numel() / w.InFeatures, w.InFeatures, w.OutFeatures);
        return fused.GemvRope(x, w, bias, norm?.weight, norm?.Eps ?? 0, cos, signedSin, index, keys, values, heads, kvHeads);
    }

    /// <param name="norm">RMSNorm applied to x before the product (null: none).</param>
    /// <param name="residual">With <see cref="ProjectionOutput.AddToResidual"/>: the tensor the caller owns that receives the product.</param>
    public static Tensor Apply(Tensor x, LinearWeight w, Tensor? bias, FlopCounter? flops, RmsNorm? norm = null,
        ProjectionOutput output = ProjectionOutput.Plain, Tensor? residual = null)
    {
        flops?.Matmul(x.numel() / w.InFeatures, w.InFeatures, w.OutFeatures);
        if (GemvServes(x, w) && (output != ProjectionOutput.AddToResidual || residual!.is_contiguous()))
            return FusedOps.Current!.Gemv(x, w, bias, norm?.weight, norm?.Eps ?? 0, residual, output);

        var input = norm is null ? x : norm.Forward(x);
        var weight = w.ForAten(input.dtype);
        switch (output)
        {
            case ProjectionOutput.AddToResidual:
                // one GEMM with β = 1 (no separate add kernel) where the residual allows it
                if (bias is not null || !residual!.is_contiguous()) return residual!.add_(nn.functional.linear(input, weight, bias));
                residual.view(-1, w.OutFeatures).addmm_(input.reshape(-1, w.InFeatures), weight.t());
                return residual;
            case ProjectionOutput.SiluMul:
                var gateUp = nn.functional.linear(input, weight, bias);
                var inter = w.OutFeatures / 2;
                return FusedOps.Current is { } fused && fused.DecodeKernelsServe(gateUp)
                    ? fused.SiluMul(gateUp)
                    : nn.functional.silu(gateUp.narrow(-1, 0, inter)).mul_(gateUp.narrow(-1, inter, inter));
            case ProjectionOutput.Float32:
                return nn.functional.linear(input, weight, bias).to(ScalarType.Float32);
            default:
                return nn.functional.linear(input, weight, bias);
        }
    }
}
