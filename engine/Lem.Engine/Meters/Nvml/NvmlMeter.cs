using System.Globalization;

namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// GPU energy through NVML: the total-energy counter read at both window edges (primary), power samples integrated by
/// the trapezoid rule (secondary, quality check), temperatures, clocks, throttling time. When NVML or the GPUs are
/// missing the meter is unavailable and every window returns unavailable figures, so the experiment still runs.
/// </summary>
public sealed class NvmlMeter : IMeter
{
    /// <summary>Windows at least this long warn when integrated averaged power and the counter differ by more than 5%.</summary>
    public const double SampleCrossCheckMinWindowS = 5.0;

    public const string MeterName = "nvml";

    private readonly INvmlApi? _api;
    private readonly NvmlMeterOptions _options;
    private readonly MeterClock _clock;
    private readonly GpuState[] _gpus;
    private readonly NvmlSampler? _sampler;
    private readonly IReadOnlyList<string> _requested;
    private readonly IReadOnlyList<string> _notes;
    private string? _windowName;
    private double _beginS;
    private double? _endS;
    private ulong?[]? _endEnergies;
    private bool _disposed;

    private NvmlMeter(INvmlApi? api, NvmlMeterOptions options, MeterClock clock, GpuState[] gpus, NvmlSampler? sampler, MeterHealth health,
        IReadOnlyList<string> notes)
    {
        _api = api;
        _options = options;
        _clock = clock;
        _gpus = gpus;
        _requested = options.Devices;
        _notes = notes;
        Health = health;
        _sampler = sampler;
    }

    public string Name => MeterName;

    public MeterHealth Health { get; }

    /// <summary>The GPUs measured (empty when unavailable).</summary>
    public IReadOnlyList<SelectedGpu> Gpus => _gpus.Select(g => g.Gpu).ToArray();

    /// <summary>Counter update period measured at start-up for a GPU label (<c>gpu:0</c>), null when unknown.</summary>
    public double? UpdatePeriodMs(string label) => _gpus.FirstOrDefault(g => g.Gpu.Label == label)?.UpdatePeriodMs;

    /// <summary>
    /// How finely the sampled energy-counter series resolves time: the counter's update period, or the interval at
    /// which the sampler reads it where that is longer (slow counter reads, see <see cref="NvmlSampler.CounterEvery"/>).
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
    public double? PowerLimitW(string label) => _gpus.FirstOrDefault(g => g.Gpu.Label == label)?.PowerLimitW;


    /// <summary>
    /// Initialises NVML, maps the requested devices, measures each counter's update period. Never throws for a missing
    /// driver or GPU: the meter is then unavailable and says why.
    /// </summary>
    public static NvmlMeter Open(INvmlApi api, NvmlMeterOptions options, MeterClock? clock = null)
    {
        clock ??= MeterClock.System;
        var init = api.Init();
        if (init != NvmlReturn.Success)
        {
            var why = init == NvmlReturn.LibraryNotFound
                ? "NVML library libnvidia-ml.so.1 not found. Remedy: install the NVIDIA driver, or run on a machine with an NVIDIA GPU; GPU energy is reported as unavailable."
                : $"nvmlInit failed: {api.ErrorString(init)}. Remedy: check the NVIDIA driver (nvidia-smi); GPU energy is reported as unavailable.";
            return Unavailable(null, options, clock, why);
        }

        var selection = GpuDeviceSelector.Select(api, options.Devices, options.CudaVisibleDevices, options.CudaDeviceOrder);
        if (selection.Errors.Count > 0 || selection.Gpus.Count == 0)
        {
            var why = selection.Errors.Count > 0
                ? string.Join(" ", selection.Errors)
                : "no GPU device was requested or matched (devices: " + string.Join(", ", options.Devices) + ").";
            api.Shutdown();
            return Unavailable(null, options, clock, why);
        }

        var states = new List<GpuState>();
        foreach (var gpu in selection.Gpus)
        {
            var h = gpu.Device.Handle;
            var state = new GpuState(gpu);
            state.PowerLimitW = api.GetPowerManagementLimit(h, out var limit) == NvmlReturn.Success ? limit / 1000.0 : null;
            state.MigEnabled = gpu.MigInstance is not null || (api.GetMigMode(h, out var mig) == NvmlReturn.Success && mig);
            state.CounterSupported = api.GetTotalEnergyConsumption(h, out _) == NvmlReturn.Success;
            if (state.CounterSupported)
            {
                state.UpdatePeriodMs = UpdatePeriodProbe.MeasureMs(
                    () => api.GetTotalEnergyConsumption(h, out var e) == NvmlReturn.Success ? e : null,
                    clock, options.ProbePollInterval, options.ProbeChanges, options.ProbeTimeout);
            }
            states.Add(state);
        }

        var periods = states.Where(s => s.UpdatePeriodMs is not null).Select(s => s.UpdatePeriodMs!.Value).ToList();
        var measures = string.Join("; ", states.Select(s =>
            $"{s.Gpu.Label} {s.Gpu.Device.Name} ({s.Gpu.Device.Uuid}, {s.Gpu.Device.PciBusId}): "
            + (s.MigEnabled ? "MIG enabled, per-instance energy unavailable"
                : s.CounterSupported ? "energy counter, update period " + (s.UpdatePeriodMs is { } p ? p.ToString("F0", CultureInfo.InvariantCulture) + " ms" : "unknown (counter did not change during the probe)")
                : "no energy counter (before Volta), power samples only")));
        NvmlSampler? sampler = null;
        if (options.SampleInterval is { } si && si > TimeSpan.Zero)
        {
            // The counter-read cost is measured here, not at the first window's edge, where it would delay the window.
            sampler = new NvmlSampler(api, states.Select(s => s.Gpu.Device.Handle).ToArray(), clock, si, states.Select(s => s.CounterSupported).ToArray());
            if (states.FindIndex(s => s.CounterSupported) is var withCounter and >= 0) sampler.CalibrateCounterReads(withCounter);
            measures += FormattableString.Invariant($"; power samples every {si.TotalMilliseconds:F0} ms");
            if (states.Any(s => s.CounterSupported))
                measures += FormattableString.Invariant(
                    $"; energy counter sampled every {sampler.CounterSamplePeriod.TotalMilliseconds:F0} ms (one read costs {sampler.CounterReadMs:F3} ms; reads kept under {NvmlSampler.CounterCpuBudget * 100:0.0#}% of one core per GPU)");
        }
        var health = new MeterHealth(MeterName, true, measures, null, periods.Count > 0 ? periods.Max() : null);
        return new NvmlMeter(api, options, clock, states.ToArray(), sampler, health, selection.Notes);
    }

    private static NvmlMeter Unavailable(INvmlApi? api, NvmlMeterOptions options, MeterClock clock, string why) =>
        new(api, options, clock, [], null, new MeterHealth(MeterName, false, "GPU energy (NVML)", why), []);

    public void BeginWindow(string windowName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_windowName is not null) throw new InvalidOperationException($"Window '{_windowName}' is still open; end it before beginning '{windowName}'.");
        _windowName = windowName;
        if (_api is null) return;
        foreach (var g in _gpus)
        {
            g.BeginTemperatureC = _api.GetTemperature(g.Gpu.Device.Handle, out var t) == NvmlReturn.Success ? t : null;
        }
        _beginS = _clock.NowS;
        foreach (var g in _gpus) g.BeginEnergyMj = ReadCounter(g);
        _sampler?.Start();
    }

    public void CaptureWindowEnd()
    {
        if (_windowName is null || _api is null || _endS is not null) return;
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
        if (_api is null) return UnavailableResult();

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
            var prefix = g.Gpu.Label.Replace(":", "", StringComparison.Ordinal);
            var samples = _sampler is null ? ReadOnlySpan<GpuSample>.Empty : _sampler.Buffers[i].AsSpan();
            var figure = CounterFigure(g, endEnergies[i], duration, samples, prefix, metrics, warnings);
            energy.Add(figure);
            AddSampleMetrics(g, samples, figure, prefix, metrics, warnings, _beginS, endS);
            if (g.UpdatePeriodMs is { } period) metrics[$"{prefix}_counter_update_period_ms"] = period;
            if (_sampler is not null && g.CounterSupported)
            {
                metrics[$"{prefix}_counter_sample_period_ms"] = _sampler.CounterSamplePeriod.TotalMilliseconds;
                if (_sampler.CounterReadMs is { } readMs) metrics[$"{prefix}_counter_read_ms"] = readMs;
            }
            if (g.PowerLimitW is { } limit) metrics[$"{prefix}_power_limit_w"] = limit;
            if (g.BeginTemperatureC is { } t0) metrics[$"{prefix}_temperature_start_c"] = t0;
            if (_api.GetTemperature(g.Gpu.Device.Handle, out var t1) == NvmlReturn.Success) metrics[$"{prefix}_temperature_end_c"] = t1;
            if (_options.KeepTimeSeries) AddSeries(samples, prefix, series, _beginS, endS, g.BeginEnergyMj, endEnergies[i]);
        }
        return MeterWindowResult.Create(MeterName, energy, metrics, warnings, series);
    }

    private EnergyFigure CounterFigure(GpuState g, ulong? endMj, double durationS, ReadOnlySpan<GpuSample> samples, string prefix,
        Dictionary<string, double> metrics, List<MeterWarning> warnings)
    {
        var label = g.Gpu.Label;
        const string method = "nvmlDeviceGetTotalEnergyConsumption delta";
        double? counterJ = g.BeginEnergyMj is { } b && endMj is { } e && e >= b ? (e - b) / 1000.0 : null;
        var durationMs = durationS * 1000;

        if (g.MigEnabled)
        {
            if (counterJ is { } whole) metrics[$"{prefix}_whole_device_energy_j"] = whole;
            var why = g.Gpu.MigInstance is not null
                ? $"{label} is MIG instance {g.Gpu.MigInstance}: NVML reports energy only for the whole GPU, per-instance energy is not available."
                : $"{label} has MIG mode enabled: NVML reports energy only for the whole GPU, per-instance energy is not available.";
            warnings.Add(new MeterWarning("mig-energy-unavailable", why,
                $"Read {prefix}_whole_device_energy_j (all instances together), or disable MIG (nvidia-smi -mig 0) to measure one experiment per GPU."));
            return EnergyFigure.Unavailable(label, why);
        }

        if (!g.CounterSupported || counterJ is null)
        {
            var integrated = samples.Length >= 2 ? PowerIntegration.TrapezoidJ(samples, s => s.AvgPowerW, _beginS, _beginS + durationS) : null;
            if (integrated is { } j)
                return new EnergyFigure(label, j, EnergySource.MeasuredSamples, "trapezoid integral of nvmlDeviceGetPowerUsage samples",
                    "No energy counter reading (GPU older than Volta or read failed).");
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
            warnings.Add(new MeterWarning("counter-not-advancing", $"{label}: {why}", "Measure a longer window; check the driver with nvidia-smi."));
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
            warnings.Add(new MeterWarning("update-period-unknown", $"{label}: {note}", "Re-run; if it persists, check the driver with nvidia-smi."));
        }
        metrics[$"{prefix}_energy_counter_j"] = counterJ.Value;
        if (durationS > 0) metrics[$"{prefix}_avg_power_w"] = counterJ.Value / durationS;
        return new EnergyFigure(label, counterJ.Value, EnergySource.MeasuredCounter, method, note, low);
    }

    private static void AddSampleMetrics(GpuState g, ReadOnlySpan<GpuSample> samples, EnergyFigure figure, string prefix,
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
            // NVML's averaged power lags the load (a moving average): on the H100s it read 7–9% low over 1.4–1.9 s windows
            // that start from idle, and within 0.1% over 30 s of steady load. Shorter windows get the figure, not a warning.
            if (Math.Abs(rel) > 0.05 && !figure.LowConfidence && durationS >= SampleCrossCheckMinWindowS)
                warnings.Add(new MeterWarning("samples-disagree-with-counter",
                    $"{g.Gpu.Label}: integrated averaged power differs from the energy counter by {rel * 100:F1}%.",
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
        foreach (var (reason, name) in ClockEventReasonInfo.Recorded)
        {
            var seconds = PowerIntegration.TimeWithBitS(samples, (ulong)reason, beginS, endS);
            metrics[$"{prefix}_throttle_{name}_s"] = seconds;
            if (seconds > 0 && ClockEventReasonInfo.IsFlagged(reason))
                flagged.Add($"{name} {seconds:F2} s ({(durationS > 0 ? seconds / durationS * 100 : 0):F0}% of the window)");
        }
        if (flagged.Count > 0)
            warnings.Add(new MeterWarning("gpu-throttled",
                $"{g.Gpu.Label} clocks were limited: {string.Join(", ", flagged)}.",
                "Energy and speed depend on it: compare only runs with the same throttling; check cooling and the power limit (nvidia-smi -q -d PERFORMANCE,POWER)."));
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
            series.Add(new(t, $"{prefix}_clock_event_reasons_mask", (double)ClockEventReasonInfo.Mask(s.ClockEventReasons)));
        }
        if (beginMj is { } b && endMj is { } e && e >= b) series.Add(new(endS - beginS, counter, (e - b) / 1000.0));
    }

    private static void Add(List<TimeSeriesPoint> series, double t, string name, double value)
    {
        if (!double.IsNaN(value)) series.Add(new TimeSeriesPoint(t, name, value));
    }

    private ulong? ReadCounter(GpuState g) =>
        g.CounterSupported && _api!.GetTotalEnergyConsumption(g.Gpu.Device.Handle, out var e) == NvmlReturn.Success ? e : null;

    private MeterWindowResult UnavailableResult()
    {
        var why = Health.UnavailableReason ?? "NVML unavailable.";
        var labels = _requested.Where(d => !d.Equals("cpu", StringComparison.OrdinalIgnoreCase)).Select(LabelOf).Distinct().DefaultIfEmpty("gpu");
        var figures = labels.Select(l => EnergyFigure.Unavailable(l, why)).ToArray();
        return MeterWindowResult.Create(MeterName, figures, new Dictionary<string, double>(),
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
        if (_api is not null && _gpus.Length > 0) _api.Shutdown();
    }

    private sealed class GpuState(SelectedGpu gpu)
    {
        public SelectedGpu Gpu { get; } = gpu;
        public double? UpdatePeriodMs { get; set; }
        public double? PowerLimitW { get; set; }
        public bool MigEnabled { get; set; }
        public bool CounterSupported { get; set; }
        public ulong? BeginEnergyMj { get; set; }
        public double? BeginTemperatureC { get; set; }
    }
}
