using System.Globalization;

namespace Lem.Engine.Flops.Utilisation;

/// <summary>Model FLOPs utilisation: achieved FLOP/s ÷ (peak FLOP/s of the precision × GPUs used).</summary>
public static class Mfu
{
    public const string Metric = "mfu";

    /// <summary>
    /// MFU on the GPU NVML names <paramref name="nvmlDeviceName"/>; null or "cpu" for runs without a GPU.
    /// <paramref name="flops"/> done in <paramref name="seconds"/> of wall time across <paramref name="gpuCount"/> GPUs of that kind.
    /// </summary>
    public static UtilisationFigure ForDevice(double flops, double seconds, string? nvmlDeviceName, string precision, int gpuCount = 1)
    {
        if (string.IsNullOrWhiteSpace(nvmlDeviceName) || nvmlDeviceName.Trim().StartsWith("cpu", StringComparison.OrdinalIgnoreCase))
            return UtilisationFigure.NotReported(Metric, "not reported: the run used no GPU, and the peak table covers NVIDIA GPUs only");
        var peak = GpuPeakTable.Find(nvmlDeviceName);
        return peak is null
            ? UtilisationFigure.NotReported(Metric, NotInTable(nvmlDeviceName))
            : Compute(flops, seconds, peak, precision, gpuCount);
    }

    public static UtilisationFigure Compute(double flops, double seconds, GpuPeak peak, string precision, int gpuCount = 1)
    {
        ArgumentNullException.ThrowIfNull(peak);
        if (gpuCount < 1)
            throw new FlopsInputException($"GPU count is {gpuCount}; MFU needs at least one GPU.");
        if (!(seconds > 0))
            return UtilisationFigure.NotReported(Metric, $"not reported: the window lasted {seconds} s");
        if (!(flops >= 0))
            return UtilisationFigure.NotReported(Metric, "not reported: no FLOPs figure for the window");
        if (PrecisionFormat.Normalise(precision) == "auto")
            return UtilisationFigure.NotReported(Metric, "not reported: the backend chose the precision itself and did not say which, so the peak to divide by is unknown; set precision");
        var peakPerGpu = peak.PeakFlopsPerS(precision);
        if (peakPerGpu is null)
            return UtilisationFigure.NotReported(Metric,
                $"not reported: the peak table has no {PrecisionFormat.Normalise(precision)} figure for {peak.Gpu} ({peak.Note})");
        var ratio = flops / seconds / (peakPerGpu.Value * gpuCount);
        return new UtilisationFigure(Metric, ratio,
            $"achieved FLOP/s ÷ {Tera(peakPerGpu.Value)} TFLOP/s dense {PrecisionFormat.Normalise(precision)} peak of {peak.Gpu}" +
            (gpuCount > 1 ? $" × {gpuCount} GPUs" : "") + $" ({peak.Source})");
    }

    internal static string NotInTable(string name) =>
        $"not reported: GPU \"{name.Trim()}\" is not in the peak table (engine/Lem.Engine/Flops/Utilisation/gpu-peaks.csv); add a row with its datasheet figures";

    internal static string Tera(double perSecond) => (perSecond / 1e12).ToString("0.###", CultureInfo.InvariantCulture);
}
