namespace Lem.Engine.Flops.Utilisation;

/// <summary>
/// One row of the GPU peak table (gpu-peaks.csv): dense peak rates, no sparsity. A null rate means the GPU has no such
/// mode or no published figure.
/// </summary>
/// <param name="Gpu">Product name, for example "H100 SXM5 80GB".</param>
/// <param name="NvmlNames">The names NVML reports for it, for example "NVIDIA H100 80GB HBM3".</param>
public sealed record GpuPeak(
    string Gpu,
    IReadOnlyList<string> NvmlNames,
    double? Bf16DenseTflopPerS,
    double? Fp16DenseTflopPerS,
    double? Tf32DenseTflopPerS,
    double? Fp32TflopPerS,
    double MemoryBandwidthTbPerS,
    string Source,
    string Note)
{
    public double MemoryBandwidthBytesPerS => MemoryBandwidthTbPerS * 1e12;

    /// <summary>
    /// Peak FLOP/s for a precision: bf16, fp16, fp32 (CUDA cores: matmuls without TF32, the libtorch default)
    /// or tf32 (only when TF32 matmuls were enabled). Null when the table has no figure.
    /// </summary>
    public double? PeakFlopsPerS(string precision)
    {
        var tflops = PrecisionFormat.Normalise(precision) switch
        {
            "bf16" => Bf16DenseTflopPerS,
            "fp16" => Fp16DenseTflopPerS,
            "tf32" => Tf32DenseTflopPerS,
            "fp32" => Fp32TflopPerS,
            _ => null,
        };
        return tflops * 1e12;
    }
}
