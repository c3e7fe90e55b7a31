using Lem.Engine.Config;
using Lem.Engine.Measurement;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// The idle baseline (baseline.duration): idle power of the metered GPUs with the model loaded and nothing running,
/// cached per device for baseline.ttl, and of the host meters (CPU package, RAM), cached per machine. A GPU baseline is
/// skipped, with a warning saying why, where no GPU energy counter is available.
/// </summary>
public static class BaselineStage
{
    /// <summary>Idle power of the host meters (RAPL or the estimates), raw and adjusted host energy side by side; empty when baseline.duration is 0.</summary>
    public static IReadOnlyList<IdleBaselineFigure> MeasureHost(ExperimentConfig config, IReadOnlyList<Lem.Engine.Meters.IMeter> hostMeters, RunnerServices services)
    {
        if (config.Baseline.Duration <= TimeSpan.Zero) return [];
        return IdleBaseline.GetOrMeasureHost(hostMeters, config.Baseline.Duration,
            new IdleBaselineCache(services.BaselineCacheFolder, config.Baseline.Ttl), clock: services.Clock);
    }

    public static IdleBaselineResult? Measure(ExperimentConfig config, MeterSet meters, RunnerServices services, List<WarningRecord> warnings)
    {
        if (config.Baseline.Duration <= TimeSpan.Zero) return null;
        if (meters.Gpu is null || !meters.Gpu.Health.Available)
        {
            warnings.Add(new WarningRecord("baseline", "baseline.duration is set but no GPU energy counter is available, so no idle baseline was measured",
                "run on a machine with an NVIDIA GPU and meter it (measurement.gpus), or set baseline.duration = 0s"));
            return null;
        }
        services.Log.WriteLine($"  idle baseline: {config.Baseline.Duration.TotalSeconds:F0} s (cached {config.Baseline.Ttl.TotalMinutes:F0} min)");
        var figures = IdleBaseline.GetOrMeasure(meters.Gpu, config.Baseline.Duration, new IdleBaselineCache(services.BaselineCacheFolder, config.Baseline.Ttl));
        if (figures.Count == 0)
        {
            warnings.Add(new WarningRecord("baseline", "no idle baseline could be measured: the GPU energy counter gave no figure (MIG, or the counter is unreadable)",
                "adjusted energy is not reported; see the GPU meter's note"));
            return null;
        }
        return new IdleBaselineResult(figures.Sum(f => f.PowerW), figures.Max(f => f.IdleDurationS), figures.Select(f => f.Component).ToArray(), figures.All(f => f.FromCache));
    }
}
