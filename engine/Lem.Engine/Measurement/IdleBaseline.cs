using Lem.Engine.Meters;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Meters.Host;
using Lem.Engine.Meters.Rapl;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Measurement;

/// <summary>
/// Idle power of each GPU (mean over an idle period, from the energy counter), cached per GPU UUID, and the adjusted
/// energy of a window: raw − baseline_W × the measurement window's own duration (never the whole run). The host meters
/// (RAPL, the CPU and RAM estimates) have the same: idle power of the whole machine per host component
/// (<see cref="GetOrMeasureHost"/>), cached per machine and component.
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

    /// <summary>
    /// Idle power of every host component of the given meters (RAPL package and DRAM zones, <c>cpu</c> of the CPU
    /// estimate, <c>ram</c> of the RAM estimate) — the whole machine's, since host meters see the machine. From the
    /// cache when every component is fresh there; otherwise measured together over <paramref name="idle"/> and stored.
    /// Meters without host components (NVML, the process meter) are ignored.
    /// </summary>
    /// <param name="machine">Names the machine in cache keys; null: <see cref="Environment.MachineName"/>.</param>
    public static IReadOnlyList<IdleBaselineFigure> GetOrMeasureHost(IReadOnlyList<IMeter> meters, TimeSpan idle, IdleBaselineCache? cache = null,
        Action<TimeSpan>? wait = null, Func<DateTimeOffset>? utcNow = null, string? machine = null, MeterClock? clock = null)
    {
        machine ??= Environment.MachineName;
        var host = meters.Where(m => HostComponents(m).Count > 0 && m.Health.Available).ToArray();
        if (host.Length == 0) return [];
        var expected = host.SelectMany(HostComponents).ToArray();
        var cached = cache is null ? [] : expected.Select(c => cache.TryGet(HostKey(machine, c))).ToArray();
        if (cache is not null && cached.All(c => c is not null)) return cached.Select(c => c!).ToArray();

        var measured = MeasureHost(host, idle, wait ?? Thread.Sleep, (utcNow ?? (() => DateTimeOffset.UtcNow))(), machine, clock);
        if (cache is not null) foreach (var m in measured) cache.Store(m);
        return measured;
    }

    public static IReadOnlyList<IdleBaselineFigure> MeasureHost(IReadOnlyList<IMeter> hostMeters, TimeSpan idle, Action<TimeSpan> wait, DateTimeOffset now,
        string machine, MeterClock? clock = null)
    {
        var window = MeasurementWindow.Measure("idle-baseline-host", hostMeters, () => wait(idle), null, clock);
        var duration = window.DurationS > 0 ? window.DurationS : idle.TotalSeconds;
        return window.Energy
            .Where(f => HostAttribution.IsHost(f) && f.EnergyJ is not null)
            .Select(f => new IdleBaselineFigure(HostKey(machine, f.Component), f.Component, f.EnergyJ!.Value / duration, now, duration))
            .ToArray();
    }

    /// <summary>The cache key of a host component's baseline (kept in <see cref="IdleBaselineFigure.GpuUuid"/>).</summary>
    public static string HostKey(string machine, string component) => $"host-{machine}-{component}";

    /// <summary>Idle power per component, for <see cref="HostAttribution.Apply"/>.</summary>
    public static IReadOnlyDictionary<string, double> PowerByComponent(IEnumerable<IdleBaselineFigure> figures) =>
        figures.GroupBy(f => f.Component).ToDictionary(g => g.Key, g => g.First().PowerW);

    /// <summary>The host components a meter reports (empty for meters that report none).</summary>
    public static IReadOnlyList<string> HostComponents(IMeter meter) => meter switch
    {
        RaplMeter rapl => rapl.Health.Available ? rapl.Zones.Where(z => z.IsPackage || z.IsDram).Select(z => z.Component).ToArray() : [],
        CpuEnergyEstimator => ["cpu"],
        RamEnergyEstimator => ["ram"],
        _ => [],
    };

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
