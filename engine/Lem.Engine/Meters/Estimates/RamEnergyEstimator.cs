using System.Globalization;
using Lem.Engine.Meters.Host;

namespace Lem.Engine.Meters.Estimates;

/// <summary>
/// The machine's RAM energy where no RAPL dram domain measures it: installed memory (MemTotal of /proc/meminfo, GiB) ×
/// watts per GiB × window duration. That is the whole machine's figure (DRAM refresh and background power are paid
/// for all installed memory); <see cref="HostAttribution"/> gives the process's part of it from the memory it holds
/// (its mean resident set, <see cref="ProcessMeter"/>), which is the figure totals use. Constant power, so a split at
/// marks is exact in time.
/// </summary>
public sealed class RamEnergyEstimator : IMeter
{
    public const string MeterName = "ram-estimate";

    private readonly MeterClock _clock;
    private readonly EstimateOptions _options;
    private readonly MarkLog _marks = new(0);
    private double _beginS;
    private string? _windowName;
    private double? _endS;

    public RamEnergyEstimator(EstimateOptions options, MeterClock? clock = null)
    {
        _options = options;
        _clock = clock ?? MeterClock.System;
        WattsPerGb = options.RamWattsPerGb ?? EstimateOptions.DefaultRamWattsPerGb;
        Origin = WattsPerGb == EstimateOptions.DefaultRamWattsPerGb
            ? "CodeCarbon's 3 W per 8 GB model, the ram.w_per_gb default"
            : string.Create(CultureInfo.InvariantCulture, $"configured ram.w_per_gb = {WattsPerGb}");
        var meminfo = Path.Combine(options.ProcRoot, "meminfo");
        InstalledGb = File.Exists(meminfo) ? ParseMemTotalGb(File.ReadAllText(meminfo)) : null;
        Health = InstalledGb is { } gb
            ? new MeterHealth(MeterName, true, $"RAM energy estimated: {gb.ToString("F1", CultureInfo.InvariantCulture)} GiB installed × {WattsPerGb.ToString(CultureInfo.InvariantCulture)} W/GiB ({Origin}); the process's part by its resident memory")
            : new MeterHealth(MeterName, false, "RAM energy estimate", $"{meminfo} has no MemTotal: installed memory unknown.");
    }

    public string Name => MeterName;
    public MeterHealth Health { get; }
    public double WattsPerGb { get; }
    public string Origin { get; }
    public double? InstalledGb { get; }

    /// <summary>MemTotal in GiB from /proc/meminfo text, or null.</summary>
    public static double? ParseMemTotalGb(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            var parts = line["MemTotal:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var kb))
                return kb * 1024 / (1024.0 * 1024 * 1024);
        }
        return null;
    }

    public void BeginWindow(string windowName)
    {
        if (_windowName is not null) throw new InvalidOperationException($"Window '{_windowName}' is still open.");
        _windowName = windowName;
        _marks.Clear();
        _beginS = _clock.NowS;
    }

    public void Mark(double windowTimeS)
    {
        if (_windowName is not null && _endS is null) _marks.Add(windowTimeS);
    }

    public void CaptureWindowEnd()
    {
        if (_windowName is not null) _endS ??= _clock.NowS;
    }

    public MeterWindowResult EndWindow()
    {
        if (_windowName is null) throw new InvalidOperationException("EndWindow called without BeginWindow.");
        _windowName = null;
        var duration = (_endS ?? _clock.NowS) - _beginS;
        _endS = null;
        if (InstalledGb is not { } gb)
            return MeterWindowResult.Create(MeterName, [EnergyFigure.Unavailable("ram", Health.UnavailableReason!)], new Dictionary<string, double>(), []);
        var power = gb * WattsPerGb;
        var method = string.Create(CultureInfo.InvariantCulture,
            $"estimated: {gb:F1} GiB installed × {WattsPerGb} W/GiB ({Origin}) × {duration:F3} s (whole machine)");
        var ticks = duration * CpuTimes.UserHz;
        var lowConfidence = ticks < _options.LowConfidenceTicks;
        var warnings = lowConfidence
            ? new[] { new MeterWarning("low-confidence-window",
                string.Create(CultureInfo.InvariantCulture, $"the RAM estimate's window spans {ticks:F1} ticks (10 ms each), fewer than {_options.LowConfidenceTicks:F0}: the process's resident memory is sampled too rarely to follow it."),
                $"Measure windows of at least {_options.LowConfidenceTicks / CpuTimes.UserHz * 1000:F0} ms.") }
            : [];
        var (times, _) = _marks.Snapshot();
        var series = HostMarks.Points("ram", times, times.Select(t => power * t).ToArray()).ToArray();
        return MeterWindowResult.Create(MeterName, [new EnergyFigure("ram", power * duration, EnergySource.Estimated, method, LowConfidence: lowConfidence)],
            new Dictionary<string, double>
            {
                ["window_duration_s"] = duration,
                ["ram_estimated_power_w"] = power,
                ["ram_installed_gib"] = gb,
                [RamInstalledBytesMetric] = gb * (1L << 30),
                ["ram_w_per_gib"] = WattsPerGb,
                [HostMarks.ResolutionMetric(MeterName)] = 0,
            }, warnings, series);
    }

    /// <summary>Installed memory in bytes, the denominator of the process's resident-memory share.</summary>
    public const string RamInstalledBytesMetric = "ram_installed_bytes";

    public void Dispose() { }
}
