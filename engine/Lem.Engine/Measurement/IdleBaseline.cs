using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Measurement;

/// <summary>
/// Idle power of each GPU (mean over an idle period, from the energy counter), cached per GPU UUID, and the adjusted
/// energy of a window: raw − baseline_W × the measurement window's own duration (never the whole run).
/// </summary>
public static class IdleBaseline
{
    /// <summary>
    /// Returns the cached baseline of every GPU of the meter when fresh; otherwise measures all of them at once over
    /// <paramref name="idle"/> (the caller makes sure nothing runs) and stores them.
    /// </summary>
    public static IReadOnlyList<IdleBaselineFigure> GetOrMeasure(GpuMeter meter, TimeSpan idle, IdleBaselineCache? cache = null,
        Action<TimeSpan>? wait = null, Func<DateTimeOffset>? utcNow = null)
    {
        if (!meter.Health.Available || meter.Gpus.Count == 0) return [];
        var cached = cache is null ? [] : meter.Gpus.Select(g => cache.TryGet(g.Uuid)).ToArray();
        if (cache is not null && cached.All(c => c is not null)) return cached.Select(c => c!).ToArray();

        var measured = Measure(meter, idle, wait ?? Thread.Sleep, (utcNow ?? (() => DateTimeOffset.UtcNow))());
        if (cache is not null) foreach (var m in measured) cache.Store(m);
        return measured;
    }

    public static IReadOnlyList<IdleBaselineFigure> Measure(GpuMeter meter, TimeSpan idle, Action<TimeSpan> wait, DateTimeOffset now)
    {
        meter.BeginWindow("idle-baseline");
        wait(idle);
        var result = meter.EndWindow();
        var duration = result.Metrics.TryGetValue("window_duration_s", out var d) ? d : idle.TotalSeconds;
        var figures = new List<IdleBaselineFigure>();
        foreach (var gpu in meter.Gpus)
        {
            var energy = result.Energy.FirstOrDefault(f => f.Component == gpu.Label);
            if (energy?.EnergyJ is not { } j || duration <= 0) continue;
            figures.Add(new IdleBaselineFigure(gpu.Uuid, gpu.Label, j / duration, now, duration));
        }
        return figures;
    }

    /// <summary>raw − baseline_W × window duration; null when the raw figure is missing.</summary>
    public static double? AdjustedEnergyJ(double? rawJ, double baselineW, double windowDurationS) =>
        rawJ is { } raw ? raw - baselineW * windowDurationS : null;

    /// <summary>The adjusted figure for one energy figure, keeping source and method; unavailable figures stay unavailable.</summary>
    public static EnergyFigure Adjust(EnergyFigure raw, IdleBaselineFigure baseline, double windowDurationS) =>
        raw.EnergyJ is null
            ? raw
            : raw with
            {
                Component = raw.Component + ":adjusted",
                EnergyJ = AdjustedEnergyJ(raw.EnergyJ, baseline.PowerW, windowDurationS),
                Method = $"{raw.Method} minus idle baseline {baseline.PowerW:F1} W × {windowDurationS:F3} s (measurement window only)",
            };
}
