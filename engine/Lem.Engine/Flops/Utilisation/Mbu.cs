using Lem.Engine.Flops.Analytical;

namespace Lem.Engine.Flops.Utilisation;

/// <summary>
/// Model bandwidth utilisation of decode: (weight bytes + KV-cache bytes read per step, summed over steps) ÷ decode time
/// ÷ (peak memory bandwidth × GPUs used).
/// </summary>
public static class Mbu
{
    public const string Metric = "mbu";

    /// <summary>
    /// MBU of the decode phase of <paramref name="batches"/>. <paramref name="weightBytes"/>: resident weight bytes
    /// (ModelInfo.WeightBytes); <paramref name="kvPrecision"/>: the KV cache's element type (ModelInfo.KvCacheType where the
    /// backend gives one, else the precision); <paramref name="decodeSeconds"/>:
    /// wall time of all decode steps (the sum of BatchGeneration.DecodeSeconds).
    /// </summary>
    public static UtilisationFigure ForDecode(
        ArchitectureConfig config, long weightBytes, IReadOnlyList<BatchShape> batches, string kvPrecision,
        double decodeSeconds, string? nvmlDeviceName, int gpuCount = 1)
    {
        var bytes = DecodeMemoryTraffic.DecodeBytes(config, weightBytes, batches, PrecisionFormat.BytesPerElement(kvPrecision));
        return ForDevice(bytes, decodeSeconds, nvmlDeviceName, gpuCount);
    }

    public static UtilisationFigure ForDevice(double bytesRead, double seconds, string? nvmlDeviceName, int gpuCount = 1)
    {
        if (string.IsNullOrWhiteSpace(nvmlDeviceName) || nvmlDeviceName.Trim().StartsWith("cpu", StringComparison.OrdinalIgnoreCase))
            return UtilisationFigure.NotReported(Metric, "not reported: the run used no GPU, and the peak table covers NVIDIA GPUs only");
        var peak = GpuPeakTable.Find(nvmlDeviceName);
        return peak is null
            ? UtilisationFigure.NotReported(Metric, Mfu.NotInTable(nvmlDeviceName))
            : Compute(bytesRead, seconds, peak, gpuCount);
    }

    public static UtilisationFigure Compute(double bytesRead, double seconds, GpuPeak peak, int gpuCount = 1)
    {
        ArgumentNullException.ThrowIfNull(peak);
        if (gpuCount < 1)
            throw new FlopsInputException($"GPU count is {gpuCount}; MBU needs at least one GPU.");
        if (!(seconds > 0))
            return UtilisationFigure.NotReported(Metric, $"not reported: decode lasted {seconds} s");
        if (bytesRead == 0)
            return UtilisationFigure.NotReported(Metric, "not reported: no decode step ran (one new token per row comes from prefill)");
        var ratio = bytesRead / seconds / (peak.MemoryBandwidthBytesPerS * gpuCount);
        return new UtilisationFigure(Metric, ratio,
            $"bytes read per decode step ÷ step time ÷ {peak.MemoryBandwidthTbPerS} TB/s peak memory bandwidth of {peak.Gpu}" +
            (gpuCount > 1 ? $" × {gpuCount} GPUs" : "") + $" ({peak.Source})");
    }
}
