using System.Globalization;
using Lem.Engine.Meters.Host;

namespace Lem.Engine.Meters.Estimates;

/// <summary>
/// Estimates CPU energy where nothing measures it: system CPU utilisation over the window (from /proc/stat) × TDP ×
/// duration, in the manner of CodeCarbon's CPU-load model. It ignores idle power above the utilised share, so it is a
/// rough figure; results label it <see cref="EnergySource.Estimated"/> with this method. This is the whole machine's
/// figure; <see cref="HostAttribution"/> gives the process's share of it. A window spanning fewer than
/// <see cref="EstimateOptions.LowConfidenceTicks"/> ticks per CPU is low-confidence; one without a tick is unavailable.
/// At marks it reads /proc/stat, so that the window's estimate can be split in time by busy ticks.
/// </summary>
public sealed class CpuEnergyEstimator : IMeter
{
    public const string MeterName = "cpu-estimate";

    private readonly EstimateOptions _options;
    private readonly MeterClock _clock;
    private readonly MarkLog _marks = new(1);
    private CpuTimes _begin;
    private TimeSpan _beginProcess;
    private double _beginS;
    private string? _windowName;
    private (CpuTimes Times, TimeSpan Process, double S)? _end;

    public CpuEnergyEstimator(EstimateOptions options, MeterClock? clock = null)
    {
        _options = options;
        _clock = clock ?? MeterClock.System;
        Cpu = CpuInfo.Read(options.ProcRoot);
        if (options.CpuTdpW is { } configured)
        {
            TdpPerSocketW = configured;
            TdpOrigin = "configured cpu.tdp_w";
        }
        else if (CpuTdpTable.Find(Cpu.ModelName) is { } row)
        {
            TdpPerSocketW = row.TdpW;
            TdpOrigin = $"built-in table: {row.Model}, {row.Source}";
        }
        else
        {
            TdpPerSocketW = CpuTdpTable.DefaultWattsPerLogicalCpu * Cpu.LogicalCpus / Cpu.Sockets;
            TdpOrigin = $"model '{Cpu.ModelName}' not in the table: default {CpuTdpTable.DefaultWattsPerLogicalCpu.ToString(CultureInfo.InvariantCulture)} W per logical CPU × {Cpu.LogicalCpus}; set cpu.tdp_w for a better figure";
        }
        var stat = Path.Combine(options.ProcRoot, "stat");
        Health = File.Exists(stat)
            ? new MeterHealth(MeterName, true, $"CPU energy estimated: utilisation × TDP {TotalTdpW.ToString("F0", CultureInfo.InvariantCulture)} W ({TdpOrigin})",
                UpdatePeriodMs: 1000 / CpuTimes.UserHz)
            : new MeterHealth(MeterName, false, "CPU energy estimate", $"{stat} not found: CPU utilisation cannot be read (not Linux?).");
    }

    public string Name => MeterName;
    public MeterHealth Health { get; }
    public CpuInfo Cpu { get; }
    public double TdpPerSocketW { get; }
    public string TdpOrigin { get; }
    public double TotalTdpW => TdpPerSocketW * Cpu.Sockets;

    public void BeginWindow(string windowName)
    {
        if (_windowName is not null) throw new InvalidOperationException($"Window '{_windowName}' is still open.");
        _windowName = windowName;
        _marks.Clear();
        if (!Health.Available) return;
        _begin = CpuTimes.Read(_options.ProcRoot);
        _beginProcess = Environment.CpuUsage.TotalTime;
        _beginS = _clock.NowS;
    }

    public void Mark(double windowTimeS)
    {
        if (_windowName is null || !Health.Available || _end is not null) return;
        _marks.Add(windowTimeS, CpuTimes.Read(_options.ProcRoot).Busy);
    }

    public void CaptureWindowEnd()
    {
        if (_windowName is not null && Health.Available && _end is null) Capture();
    }

    private void Capture() => _end = (CpuTimes.Read(_options.ProcRoot), Environment.CpuUsage.TotalTime, _clock.NowS);

    public MeterWindowResult EndWindow()
    {
        if (_windowName is null) throw new InvalidOperationException("EndWindow called without BeginWindow.");
        _windowName = null;
        if (!Health.Available)
            return MeterWindowResult.Create(MeterName, [EnergyFigure.Unavailable("cpu", Health.UnavailableReason!)], new Dictionary<string, double>(), []);

        if (_end is null) Capture();
        var (end, endProcess, endS) = _end!.Value;
        _end = null;
        var duration = endS - _beginS;
        var processS = (endProcess - _beginProcess).TotalSeconds;
        var ticksPerCpu = (end.Total - _begin.Total) / (double)Cpu.LogicalCpus;
        var metrics = new Dictionary<string, double>
        {
            ["window_duration_s"] = duration,
            ["cpu_tdp_w"] = TotalTdpW,
            ["cpu_estimate_window_ticks"] = ticksPerCpu,
            [HostMarks.ResolutionMetric(MeterName)] = 1000 / CpuTimes.UserHz,
        };
        if (duration > 0) metrics["cpu_process_utilisation_pct"] = processS / duration / Cpu.LogicalCpus * 100;
        var utilisation = CpuTimes.Utilisation(_begin, end);
        if (utilisation is null || duration <= 0)
        {
            var why = "No CPU time passed in /proc/stat during the window (window shorter than one clock tick, 10 ms).";
            return MeterWindowResult.Create(MeterName, [EnergyFigure.Unavailable("cpu", why)], metrics,
                [new MeterWarning("cpu-estimate-window-too-short", why, $"Measure windows of at least {_options.LowConfidenceTicks / CpuTimes.UserHz * 1000:F0} ms.")]);
        }
        metrics["cpu_system_utilisation_pct"] = utilisation.Value * 100;
        var joules = utilisation.Value * TotalTdpW * duration;
        var method = string.Create(CultureInfo.InvariantCulture,
            $"estimated: system CPU utilisation {utilisation.Value * 100:F1}% (/proc/stat) × TDP {TdpPerSocketW:F0} W × {Cpu.Sockets} socket(s) ({TdpOrigin}) × {duration:F3} s");
        var warnings = new List<MeterWarning>();
        var lowConfidence = ticksPerCpu < _options.LowConfidenceTicks;
        if (lowConfidence)
            warnings.Add(new MeterWarning("low-confidence-window",
                string.Create(CultureInfo.InvariantCulture, $"the CPU estimate's window spans {ticksPerCpu:F1} /proc/stat tick(s) per CPU, fewer than {_options.LowConfidenceTicks:F0}: utilisation is counted in whole ticks of 10 ms."),
                $"Measure windows of at least {_options.LowConfidenceTicks / CpuTimes.UserHz * 1000:F0} ms (longer is better)."));
        var figure = new EnergyFigure("cpu", joules, EnergySource.Estimated, method, LowConfidence: lowConfidence);
        return MeterWindowResult.Create(MeterName, [figure], metrics, warnings, MarkSeries(end.Busy - _begin.Busy, joules));
    }

    /// <summary>The window's estimate apportioned to the marks by busy ticks: C(t) = E × (busy(t) − busy(begin)) / Δbusy.</summary>
    private IReadOnlyList<TimeSeriesPoint> MarkSeries(ulong windowBusy, double windowJ)
    {
        var (times, readings) = _marks.Snapshot();
        if (times.Length == 0) return [];
        var perTick = windowBusy == 0 ? 0 : windowJ / windowBusy;
        var cumulative = readings.Select(r => Math.Max(0, r[0] - _begin.Busy) * perTick).ToArray();
        return HostMarks.Points("cpu", times, cumulative).ToArray();
    }

    public void Dispose() { }
}
