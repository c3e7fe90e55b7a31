using System.Globalization;

namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// GPU energy through a vendor's platform (<see cref="IGpuPlatform"/>): the energy counter read at both window edges
/// (primary), power samples integrated by the trapezoid rule (secondary, quality check), temperatures, clocks,
/// throttling time. When the library or the GPUs are missing the meter is unavailable and every window returns
/// unavailable figures, so the experiment still runs.
/// </summary>
public sealed class GpuMeter : IMeter
{
    /// <summary>Windows at least this long warn when integrated averaged power and the counter differ by more than 5%.</summary>
    public const double SampleCrossCheckMinWindowS = 5.0;

    private readonly IGpuPlatform? _platform;
    private readonly GpuMeterOptions _options;
    private readonly MeterClock _clock;
    private readonly GpuState[] _gpus;
    private readonly GpuSampler? _sampler;
    private readonly IReadOnlyList<string> _requested;
    private readonly IReadOnlyList<string> _notes;
    private string? _windowName;
    private double _beginS;
    private double? _endS;
    private ulong?[]? _endEnergies;
    private bool _disposed;

    private GpuMeter(string name, GpuVendorTerms terms, IGpuPlatform? platform, GpuMeterOptions options, MeterClock clock, GpuState[] gpus,
        GpuSampler? sampler, MeterHealth health, IReadOnlyList<string> notes)
    {
        Name = name;
        Terms = terms;
        _platform = platform;
        _options = options;
        _clock = clock;
        _gpus = gpus;
        _requested = options.Devices;
        _notes = notes;
        Health = health;
        _sampler = sampler;
    }

    /// <summary>The platform's meter name (<c>nvml</c>).</summary>
    public string Name { get; }

    /// <summary>The vendor's words: its library, tools and calls.</summary>
    public GpuVendorTerms Terms { get; }

    public MeterHealth Health { get; }

    /// <summary>The GPUs measured (empty when unavailable).</summary>
    public IReadOnlyList<IGpuDevice> Gpus => _gpus.Select(g => g.Device).ToArray();

    /// <summary>Counter update period measured at start-up for a GPU label (<c>gpu:0</c>), null when unknown.</summary>
    public double? UpdatePeriodMs(string label) => _gpus.FirstOrDefault(g => g.Device.Label == label)?.UpdatePeriodMs;

    /// <summary>
    /// How finely the sampled energy-counter series resolves time: the counter's update period, or the interval at
    /// which the sampler reads it where that is longer (slow counter reads, see <see cref="GpuSampler.CounterEvery"/>).
    /// </summary>
    public double? CounterSeriesResolutionMs(string label)
    {
        var period = UpdatePeriodMs(label);
        if (period is null || _sampler is null) return period;
        return Math.Max(period.Value, _sampler.CounterSamplePeriod.TotalMilliseconds);
    }

    /// <summary>How often the sampler reads the energy counter (ms), chosen from its read cost; null without a sampler.</summary>
    public double? CounterSamplePeriodMs => _sampler?.CounterSamplePeriod.TotalMilliseconds;

    /// <summary>Measured wall time of one energy-counter read (ms); null without a sampler.</summary>
    public double? CounterReadMs => _sampler?.CounterReadMs;

    /// <summary>Power limit in W of a GPU label, null when unknown.</summary>
    public double? PowerLimitW(string label) => _gpus.FirstOrDefault(g => g.Device.Label == label)?.PowerLimitW;

    /// <summary>Opens the meter on one platform; see <see cref="Open(IReadOnlyList{IGpuPlatform}, GpuMeterOptions, MeterClock?)"/>.</summary>
    public static GpuMeter Open(IGpuPlatform platform, GpuMeterOptions options, MeterClock? clock = null) => Open([platform], options, clock);

    /// <summary>
    /// Starts the first platform whose library starts, maps the requested devices, measures each counter's update
    /// period. Never throws for a missing driver or GPU: the meter is then unavailable and says why.
    /// </summary>
    public static GpuMeter Open(IReadOnlyList<IGpuPlatform> platforms, GpuMeterOptions options, MeterClock? clock = null)
    {
        clock ??= MeterClock.System;
        var start = GpuPlatformStart.First(platforms);
        if (start.Started is not { } platform) return Unavailable(platforms[0], options, clock, start.Reason);

        var selection = platform.Open(options.Devices, options.Environment ?? (_ => null));
        if (selection.Errors.Count > 0 || selection.Devices.Count == 0)
        {
            var why = selection.Errors.Count > 0
                ? string.Join(" ", selection.Errors)
                : "no GPU device was requested or matched (devices: " + string.Join(", ", options.Devices) + ").";
            platform.Shutdown();
            return Unavailable(platform, options, clock, why);
        }

        var terms = platform.Terms;
        var states = new List<GpuState>();
        foreach (var device in selection.Devices)
        {
            var state = new GpuState(device) { PowerLimitW = device.ReadPowerLimitW() };
            if (device.HasEnergyCounter)
            {
                state.UpdatePeriodMs = UpdatePeriodProbe.MeasureMs(
                    () => device.TryReadEnergyMj(out var e) ? e : null,
                    clock, options.ProbePollInterval, options.ProbeChanges, options.ProbeTimeout);
            }
            states.Add(state);
        }

        var periods = states.Where(s => s.UpdatePeriodMs is not null).Select(s => s.UpdatePeriodMs!.Value).ToList();
        var measures = string.Join("; ", states.Select(s =>
            $"{s.Device.Label} {s.Device.Name} ({s.Device.Uuid}, {s.Device.PciBusId}): "
            + (s.Device.IsPartitioned ? $"{terms.Partition} enabled, per-instance energy unavailable"
                : s.Device.HasEnergyCounter ? "energy counter, update period " + (s.UpdatePeriodMs is { } p ? p.ToString("F0", CultureInfo.InvariantCulture) + " ms" : "unknown (counter did not change during the probe)")
                : $"no energy counter (before {terms.FirstGenerationWithCounter}), power samples only")));
        GpuSampler? sampler = null;
        if (options.SampleInterval is { } si && si > TimeSpan.Zero)
        {
            // The counter-read cost is measured here, not at the first window's edge, where it would delay the window.
            sampler = new GpuSampler(selection.Devices, clock, si);
            if (states.FindIndex(s => s.Device.HasEnergyCounter) is var withCounter and >= 0) sampler.CalibrateCounterReads(withCounter);
            measures += FormattableString.Invariant($"; power samples every {si.TotalMilliseconds:F0} ms");
            if (states.Any(s => s.Device.HasEnergyCounter))
                measures += FormattableString.Invariant(
                    $"; energy counter sampled every {sampler.CounterSamplePeriod.TotalMilliseconds:F0} ms (one read costs {sampler.CounterReadMs:F3} ms; reads kept under {GpuSampler.CounterCpuBudget * 100:0.0#}% of one core per GPU)");
        }
        var health = new MeterHealth(platform.MeterName, true, measures, null, periods.Count > 0 ? periods.Max() : null);
        return new GpuMeter(platform.MeterName, terms, platform, options, clock, states.ToArray(), sampler, health, selection.Notes);
    }

    private static GpuMeter Unavailable(IGpuPlatform platform, GpuMeterOptions options, MeterClock clock, string why) =>
        new(platform.MeterName, platform.Terms, null, options, clock, [], null,
            new MeterHealth(platform.MeterName, false, $"GPU energy ({platform.Terms.Library})", why), []);

    public void BeginWindow(string windowName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_windowName is not null) throw new InvalidOperationException($"Window '{_windowName}' is still open; end it before beginning '{windowName}'.");
        _windowName = windowName;
        if (_platform is null) return;
        foreach (var g in _gpus)
        {
            g.BeginTemperatureC = g.Device.TryReadTemperatureC(out var t) ? t : null;
        }
        _beginS = _clock.NowS;
        foreach (var g in _gpus) g.BeginEnergyMj = ReadCounter(g);
        _sampler?.Start();
    }

    public void CaptureWindowEnd()
    {
        if (_windowName is null || _platform is null || _endS is not null) return;
        var endS = _clock.NowS;
        var endEnergies = _gpus.Select(ReadCounter).ToArray();
        _sampler?.Stop();
        (_endS, _endEnergies) = (endS, endEnergies);
    }

    public MeterWindowResult EndWindow()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_windowName is null) throw new InvalidOperationException("EndWindow called without BeginWindow.");
        CaptureWindowEnd();
        _windowName = null;
        if (_platform is null) return UnavailableResult();

        var endS = _endS!.Value;
        var endEnergies = _endEnergies!;
        (_endS, _endEnergies) = (null, null);
        var duration = endS - _beginS;

        var energy = new List<EnergyFigure>();
        var metrics = new Dictionary<string, double> { ["window_duration_s"] = duration };
        var warnings = new List<MeterWarning>();
        var series = new List<TimeSeriesPoint>();
        foreach (var note in _notes) warnings.Add(new MeterWarning("gpu-ordinal-ambiguous", note, "See the cause."));

        for (var i = 0; i < _gpus.Length; i++)
        {
            var g = _gpus[i];
            var prefix = g.Device.Label.Replace(":", "", StringComparison.Ordinal);
            var samples = _sampler is null ? ReadOnlySpan<GpuSample>.Empty : _sampler.Buffers[i].AsSpan();
            var figure = CounterFigure(g, endEnergies[i], duration, samples, prefix, metrics, warnings);
            energy.Add(figure);
            AddSampleMetrics(g, samples, figure, prefix, metrics, warnings, _beginS, endS);
            if (g.UpdatePeriodMs is { } period) metrics[$"{prefix}_counter_update_period_ms"] = period;
            if (_sampler is not null && g.Device.HasEnergyCounter)
            {
                metrics[$"{prefix}_counter_sample_period_ms"] = _sampler.CounterSamplePeriod.TotalMilliseconds;
                if (_sampler.CounterReadMs is { } readMs) metrics[$"{prefix}_counter_read_ms"] = readMs;
            }
            if (g.PowerLimitW is { } limit) metrics[$"{prefix}_power_limit_w"] = limit;
            if (g.BeginTemperatureC is { } t0) metrics[$"{prefix}_temperature_start_c"] = t0;
            if (g.Device.TryReadTemperatureC(out var t1)) metrics[$"{prefix}_temperature_end_c"] = t1;
            if (_options.KeepTimeSeries) AddSeries(samples, prefix, series, _beginS, endS, g.BeginEnergyMj, endEnergies[i]);
        }
        return MeterWindowResult.Create(Name, energy, metrics, warnings, series);
    }

    private EnergyFigure CounterFigure(GpuState g, ulong? endMj, double durationS, ReadOnlySpan<GpuSample> samples, string prefix,
        Dictionary<string, double> metrics, List<MeterWarning> warnings)
    {
        var label = g.Device.Label;
        var method = $"{Terms.Call(GpuReading.EnergyCounter)} delta";
        double? counterJ = g.BeginEnergyMj is { } b && endMj is { } e && e >= b ? (e - b) / 1000.0 : null;
        var durationMs = durationS * 1000;

        if (g.Device.IsPartitioned)
        {
            if (counterJ is { } whole) metrics[$"{prefix}_whole_device_energy_j"] = whole;
            var why = g.Device.PartitionInstance is { } instance
                ? $"{label} is {Terms.Partition} instance {instance}: {Terms.Library} reports energy only for the whole GPU, per-instance energy is not available."
                : $"{label} has {Terms.Partition} mode enabled: {Terms.Library} reports energy only for the whole GPU, per-instance energy is not available.";
            warnings.Add(new MeterWarning("mig-energy-unavailable", why,
                $"Read {prefix}_whole_device_energy_j (all instances together), or disable {Terms.Partition} ({Terms.DisablePartitioning}) to measure one experiment per GPU."));
            return EnergyFigure.Unavailable(label, why);
        }

        if (!g.Device.HasEnergyCounter || counterJ is null)
        {
            var integrated = samples.Length >= 2 ? PowerIntegration.TrapezoidJ(samples, s => s.AvgPowerW, _beginS, _beginS + durationS) : null;
            if (integrated is { } j)
                return new EnergyFigure(label, j, EnergySource.MeasuredSamples, $"trapezoid integral of {Terms.Call(GpuReading.AveragePower)} samples",
                    $"No energy counter reading (GPU older than {Terms.FirstGenerationWithCounter} or read failed).");
            return EnergyFigure.Unavailable(label, "Energy counter unreadable and fewer than two power samples.");
        }

        if (g.UpdatePeriodMs is { } period && durationMs < period)
        {
            var why = $"Window of {durationMs:F1} ms is shorter than the counter update period ({period:F0} ms); the counter cannot resolve it.";
            warnings.Add(new MeterWarning("window-shorter-than-counter-period", $"{label}: {why}",
                $"Measure longer windows (at least {period * _options.LowConfidenceUpdates / 1000:F1} s), e.g. more prompts or repeated batches."));
            return EnergyFigure.Unavailable(label, why);
        }

        if (counterJ.Value == 0)
        {
            var why = $"The energy counter did not advance during {durationMs:F1} ms.";
            warnings.Add(new MeterWarning("counter-not-advancing", $"{label}: {why}", $"Measure a longer window; check the driver with {Terms.Tool}."));
            return EnergyFigure.Unavailable(label, why);
        }

        string? note = null;
        var low = false;
        if (g.UpdatePeriodMs is { } p)
        {
            var updates = durationMs / p;
            metrics[$"{prefix}_window_counter_updates"] = updates;
            if (updates < _options.LowConfidenceUpdates)
            {
                low = true;
                note = $"Window spans {updates:F1} counter updates (period {p:F0} ms), fewer than {_options.LowConfidenceUpdates:F0}.";
                warnings.Add(new MeterWarning("low-confidence-window", $"{label}: {note}",
                    $"Lengthen the window to at least {p * _options.LowConfidenceUpdates / 1000:F1} s."));
            }
        }
        else
        {
            low = true;
            note = "Counter update period unknown (it did not change during the start-up probe); window confidence cannot be judged.";
            warnings.Add(new MeterWarning("update-period-unknown", $"{label}: {note}", $"Re-run; if it persists, check the driver with {Terms.Tool}."));
        }
        metrics[$"{prefix}_energy_counter_j"] = counterJ.Value;
        if (durationS > 0) metrics[$"{prefix}_avg_power_w"] = counterJ.Value / durationS;
        return new EnergyFigure(label, counterJ.Value, EnergySource.MeasuredCounter, method, note, low);
    }

    private void AddSampleMetrics(GpuState g, ReadOnlySpan<GpuSample> samples, EnergyFigure figure, string prefix,
        Dictionary<string, double> metrics, List<MeterWarning> warnings, double beginS, double endS)
    {
        var durationS = endS - beginS;
        metrics[$"{prefix}_sample_count"] = samples.Length;
        if (samples.Length < 2) return;
        var avgJ = PowerIntegration.TrapezoidJ(samples, s => s.AvgPowerW, beginS, endS);
        var instJ = PowerIntegration.TrapezoidJ(samples, s => s.InstantPowerW, beginS, endS);
        if (avgJ is { } a) metrics[$"{prefix}_energy_samples_avg_power_j"] = a;
        if (instJ is { } n) metrics[$"{prefix}_energy_samples_instant_power_j"] = n;
        if (figure.Source == EnergySource.MeasuredCounter && figure.EnergyJ is { } c && c > 0 && avgJ is { } s2)
        {
            var rel = (s2 - c) / c;
            metrics[$"{prefix}_samples_vs_counter_rel_diff"] = rel;
            // Averaged power lags the load (a moving average): on the H100s it read 7–9% low over 1.4–1.9 s windows
            // that start from idle, and within 0.1% over 30 s of steady load. Shorter windows get the figure, not a warning.
            if (Math.Abs(rel) > 0.05 && !figure.LowConfidence && durationS >= SampleCrossCheckMinWindowS)
                warnings.Add(new MeterWarning("samples-disagree-with-counter",
                    $"{g.Device.Label}: integrated averaged power differs from the energy counter by {rel * 100:F1}%.",
                    "The counter figure is used. Check the sample interval and that nothing else ran on the GPU."));
        }

        double maxT = double.NaN, maxMem = double.NaN;
        double smClock = 0, memClock = 0, smUtil = 0, memUtil = 0;
        int nSm = 0, nMem = 0, nSu = 0, nMu = 0;
        foreach (ref readonly var s in samples)
        {
            if (!double.IsNaN(s.TemperatureC)) maxT = double.IsNaN(maxT) ? s.TemperatureC : Math.Max(maxT, s.TemperatureC);
            if (!double.IsNaN(s.MemoryUsedBytes)) maxMem = double.IsNaN(maxMem) ? s.MemoryUsedBytes : Math.Max(maxMem, s.MemoryUsedBytes);
            if (!double.IsNaN(s.SmClockMhz)) { smClock += s.SmClockMhz; nSm++; }
            if (!double.IsNaN(s.MemoryClockMhz)) { memClock += s.MemoryClockMhz; nMem++; }
            if (!double.IsNaN(s.SmUtilPercent)) { smUtil += s.SmUtilPercent; nSu++; }
            if (!double.IsNaN(s.MemoryUtilPercent)) { memUtil += s.MemoryUtilPercent; nMu++; }
        }
        if (!double.IsNaN(maxT)) metrics[$"{prefix}_temperature_max_c"] = maxT;
        if (!double.IsNaN(maxMem)) metrics[$"{prefix}_memory_used_max_bytes"] = maxMem;
        if (nSm > 0) metrics[$"{prefix}_sm_clock_mean_mhz"] = smClock / nSm;
        if (nMem > 0) metrics[$"{prefix}_memory_clock_mean_mhz"] = memClock / nMem;
        if (nSu > 0) metrics[$"{prefix}_sm_util_mean_pct"] = smUtil / nSu;
        if (nMu > 0) metrics[$"{prefix}_memory_util_mean_pct"] = memUtil / nMu;

        var flagged = new List<string>();
        foreach (var (reason, name) in GpuThrottleReasonInfo.Recorded)
        {
            var seconds = PowerIntegration.TimeWithReasonS(samples, reason, beginS, endS);
            metrics[$"{prefix}_throttle_{name}_s"] = seconds;
            if (seconds > 0 && GpuThrottleReasonInfo.IsFlagged(reason))
                flagged.Add($"{name} {seconds:F2} s ({(durationS > 0 ? seconds / durationS * 100 : 0):F0}% of the window)");
        }
        if (flagged.Count > 0)
            warnings.Add(new MeterWarning("gpu-throttled",
                $"{g.Device.Label} clocks were limited: {string.Join(", ", flagged)}.",
                $"Energy and speed depend on it: compare only runs with the same throttling; check cooling and the power limit ({Terms.ClocksCheck})."));
    }

    /// <summary>
    /// The window's sampled series; times are seconds since the window began. The energy counter series runs from the
    /// counter read at the window's begin (0 J) to the read at its end, so phases can be cut anywhere in the window.
    /// </summary>
    private static void AddSeries(ReadOnlySpan<GpuSample> samples, string prefix, List<TimeSeriesPoint> series,
        double beginS, double endS, ulong? beginMj, ulong? endMj)
    {
        var counter = $"{prefix}_energy_counter_j";
        var e0 = beginMj ?? ulong.MaxValue;
        if (e0 == ulong.MaxValue) // no counter read at the begin: the first sample that read it
            foreach (ref readonly var s in samples)
                if (s.EnergyMj != ulong.MaxValue) { e0 = s.EnergyMj; break; }
        if (beginMj is not null) series.Add(new(0, counter, 0));
        foreach (ref readonly var s in samples)
        {
            var t = s.TimeS - beginS;
            if (t < 0 || s.TimeS > endS) continue;
            if (s.EnergyMj != ulong.MaxValue && e0 != ulong.MaxValue && s.EnergyMj >= e0) series.Add(new(t, counter, (s.EnergyMj - e0) / 1000.0));
            Add(series, t, $"{prefix}_avg_power_w", s.AvgPowerW);
            Add(series, t, $"{prefix}_instant_power_w", s.InstantPowerW);
            Add(series, t, $"{prefix}_memory_used_bytes", s.MemoryUsedBytes);
            Add(series, t, $"{prefix}_sm_util_pct", s.SmUtilPercent);
            Add(series, t, $"{prefix}_memory_util_pct", s.MemoryUtilPercent);
            Add(series, t, $"{prefix}_temperature_c", s.TemperatureC);
            Add(series, t, $"{prefix}_sm_clock_mhz", s.SmClockMhz);
            Add(series, t, $"{prefix}_memory_clock_mhz", s.MemoryClockMhz);
            series.Add(new(t, $"{prefix}_clock_event_reasons_mask", (double)GpuThrottleReasonInfo.Mask(s.ThrottleReasons)));
        }
        if (beginMj is { } b && endMj is { } e && e >= b) series.Add(new(endS - beginS, counter, (e - b) / 1000.0));
    }

    private static void Add(List<TimeSeriesPoint> series, double t, string name, double value)
    {
        if (!double.IsNaN(value)) series.Add(new TimeSeriesPoint(t, name, value));
    }

    private static ulong? ReadCounter(GpuState g) => g.Device.HasEnergyCounter && g.Device.TryReadEnergyMj(out var e) ? e : null;

    private MeterWindowResult UnavailableResult()
    {
        var why = Health.UnavailableReason ?? $"{Terms.Library} unavailable.";
        var labels = _requested.Where(d => !d.Equals("cpu", StringComparison.OrdinalIgnoreCase)).Select(LabelOf).Distinct().DefaultIfEmpty("gpu");
        var figures = labels.Select(l => EnergyFigure.Unavailable(l, why)).ToArray();
        return MeterWindowResult.Create(Name, figures, new Dictionary<string, double>(),
            [new MeterWarning("gpu-energy-unavailable", why, "GPU energy is missing from this result; see the cause.")]);
    }

    /// <summary><c>cuda:1</c> or <c>1</c> → <c>gpu:1</c>; other device names are kept after <c>gpu:</c>.</summary>
    private static string LabelOf(string request)
    {
        var text = request.Trim();
        var ordinal = text.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) ? text[4..].TrimStart(':') : text;
        if (ordinal.Length == 0) return "gpu:0";
        return int.TryParse(ordinal, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? $"gpu:{n}" : $"gpu:{text}";
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _sampler?.Dispose();
        if (_platform is not null && _gpus.Length > 0) _platform.Shutdown();
    }

    private sealed class GpuState(IGpuDevice device)
    {
        public IGpuDevice Device { get; } = device;
        public double? UpdatePeriodMs { get; set; }
        public double? PowerLimitW { get; init; }
        public ulong? BeginEnergyMj { get; set; }
        public double? BeginTemperatureC { get; set; }
    }
}
