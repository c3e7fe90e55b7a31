using System.Globalization;

namespace Lem.Engine.Meters.Estimates;

/// <summary>
/// Estimates RAM energy: installed memory (MemTotal of /proc/meminfo, GiB) × watts per GiB × window duration. DRAM
/// refresh and background power are paid for installed memory whatever is used, hence installed rather than used.
/// </summary>
public sealed class RamEnergyEstimator : IMeter
{
    public const string MeterName = "ram-estimate";

    private readonly MeterClock _clock;
    private double _beginS;
    private string? _windowName;
    private double? _endS;

    public RamEnergyEstimator(EstimateOptions options, MeterClock? clock = null)
    {
        _clock = clock ?? MeterClock.System;
        WattsPerGb = options.RamWattsPerGb ?? EstimateOptions.DefaultRamWattsPerGb;
        Origin = options.RamWattsPerGb is null ? "CodeCarbon's 3 W per 8 GB model" : "configured ram.w_per_gb";
        var meminfo = Path.Combine(options.ProcRoot, "meminfo");
        InstalledGb = File.Exists(meminfo) ? ParseMemTotalGb(File.ReadAllText(meminfo)) : null;
        Health = InstalledGb is { } gb
            ? new MeterHealth(MeterName, true, $"RAM energy estimated: {gb.ToString("F1", CultureInfo.InvariantCulture)} GiB × {WattsPerGb.ToString(CultureInfo.InvariantCulture)} W/GiB ({Origin})")
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
        _beginS = _clock.NowS;
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
            $"estimated: {gb:F1} GiB installed × {WattsPerGb} W/GiB ({Origin}) × {duration:F3} s");
        return MeterWindowResult.Create(MeterName, [new EnergyFigure("ram", power * duration, EnergySource.Estimated, method)],
            new Dictionary<string, double> { ["window_duration_s"] = duration, ["ram_estimated_power_w"] = power, ["ram_installed_gib"] = gb }, []);
    }

    public void Dispose() { }
}
