using System.Globalization;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Results.Aggregation;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// Per-process host energy (Scaphandre's method, the Energy Lab's E_llm): the host meters measure the whole machine
/// (RAPL packages and DRAM, or the CPU and RAM estimates); the measured processes' figure is that energy times their
/// share, E_process = E_system × r, where
/// <list type="bullet">
/// <item>CPU packages, the CPU estimate and RAPL DRAM: r = CPU time of the processes (utime + stime) / busy CPU time of
/// the machine over the window (/proc, <see cref="ProcessMeter"/>);</item>
/// <item>the RAM estimate: r = the processes' mean resident memory / installed memory (the estimate's power is per
/// installed GiB, so this is the memory the processes hold × W/GiB).</item>
/// </list>
/// GPU figures are left as they are. Without a share (no process meter result) the system figures stand, and a
/// warning says so. With idle baselines per host component, adjusted figures are given beside the raw ones:
/// adjusted system = system − P_idle × window duration; adjusted process = r × adjusted system.
/// </summary>
public static class HostAttribution
{
    /// <param name="results">The window's meter results (the process meter's among them).</param>
    /// <param name="idleBaselines">Host idle power per component (whole machine), from <c>IdleBaseline.GetOrMeasureHost</c>.</param>
    /// <param name="windowDurationS">The measurement window's duration, for the idle adjustment.</param>
    /// <param name="processSet">The processes in words (<see cref="ProcessMeter.Processes"/>' description).</param>
    public static HostEnergy Apply(IReadOnlyList<MeterWindowResult> results, IReadOnlyDictionary<string, double>? idleBaselines = null,
        double windowDurationS = 0, string? processSet = null)
    {
        var process = results.FirstOrDefault(r => r.MeterName == ProcessMeter.MeterName);
        var metrics = process?.Metrics ?? new Dictionary<string, double>();
        var cpuShare = metrics.TryGetValue(ProcessMetricNames.ProcessCpuShare, out var s) ? s : (double?)null;
        var shareLow = metrics.GetValueOrDefault(ProcessMetricNames.ShareLowConfidence) > 0;
        var rssMean = metrics.TryGetValue(ProcessMetricNames.RssMeanBytes, out var rss) ? rss : (double?)null;
        var description = process is null ? "none (no process meter)" : processSet ?? "the measured processes";
        var warnings = new List<MeterWarning>();
        var attribution = cpuShare is null ? HostAttributionKind.System : HostAttributionKind.Process;
        if (attribution == HostAttributionKind.System && results.Any(r => r.Energy.Any(IsHost)))
            warnings.Add(new MeterWarning("host-energy-whole-machine",
                "the process's share of CPU time could not be read" + (process is null ? " (no process meter in the window)" : ""),
                "Host figures (CPU, RAM) are the whole machine's, other processes included; run on Linux with /proc readable for per-process figures."));

        var energy = new List<EnergyFigure>();
        var components = new List<HostComponentFigures>();
        foreach (var result in results)
        {
            foreach (var figure in result.Energy)
            {
                if (!IsHost(figure))
                {
                    energy.Add(figure);
                    continue;
                }
                var (attributed, ratio) = attribution == HostAttributionKind.System
                    ? (figure, (double?)null)
                    : Attribute(figure, result, cpuShare!.Value, shareLow, rssMean, metrics, warnings);
                energy.Add(attributed);
                components.Add(Adjust(new HostComponentFigures(figure.Component, figure, attributed, ratio), idleBaselines, windowDurationS));
            }
        }
        return new HostEnergy(attribution, energy, components, description, metrics, warnings);
    }

    /// <summary>True for the host components (CPU and RAM categories) that attribution applies to.</summary>
    public static bool IsHost(EnergyFigure figure) =>
        EnergyComponents.Category(figure.Component) is EnergyComponents.Cpu or EnergyComponents.Ram;

    private static (EnergyFigure Figure, double? Ratio) Attribute(EnergyFigure system, MeterWindowResult result, double cpuShare, bool shareLow,
        double? rssMeanBytes, IReadOnlyDictionary<string, double> processMetrics, List<MeterWarning> warnings)
    {
        if (system.EnergyJ is not { } systemJ) return (system, null);
        var isRamEstimate = result.MeterName == RamEnergyEstimator.MeterName;
        double ratio;
        string how;
        if (isRamEstimate)
        {
            if (rssMeanBytes is not { } rss || !result.Metrics.TryGetValue(RamEnergyEstimator.RamInstalledBytesMetric, out var installed) || installed <= 0)
            {
                var why = "the process's resident memory or the installed memory is unknown, so its part of the RAM estimate cannot be given";
                warnings.Add(new MeterWarning("ram-process-unavailable", why, "RAM energy is unavailable; run on Linux with /proc readable."));
                return (EnergyFigure.Unavailable(system.Component, why), null);
            }
            ratio = Math.Min(1, rss / installed);
            how = string.Create(CultureInfo.InvariantCulture,
                $"mean resident memory {rss / (1L << 30):F3} GiB of {installed / (1L << 30):F1} GiB installed ({ratio * 100:F2}%)");
        }
        else
        {
            ratio = cpuShare;
            how = string.Create(CultureInfo.InvariantCulture,
                $"CPU-time share {ratio * 100:F1}% ({processMetrics.GetValueOrDefault(ProcessMetricNames.ProcessCpuTicks):F0} of {processMetrics.GetValueOrDefault(ProcessMetricNames.SystemBusyTicks):F0} busy ticks)");
        }
        var method = $"process share: {how} × ({system.Method})";
        return (system with
        {
            EnergyJ = systemJ * ratio,
            Method = method,
            LowConfidence = system.LowConfidence || (!isRamEstimate && shareLow),
            Attributed = true,
        }, ratio);
    }

    private static HostComponentFigures Adjust(HostComponentFigures c, IReadOnlyDictionary<string, double>? idle, double windowDurationS)
    {
        if (idle is null || !idle.TryGetValue(c.Component, out var idleW) || c.System.EnergyJ is not { } systemJ) return c;
        var adjusted = systemJ - idleW * windowDurationS;
        return c with
        {
            IdlePowerW = idleW,
            SystemAdjustedJ = adjusted,
            ProcessAdjustedJ = c.Ratio is { } r ? r * adjusted : c.Process.EnergyJ is null ? null : adjusted,
        };
    }
}
