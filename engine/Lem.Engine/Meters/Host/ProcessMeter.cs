using System.Globalization;
using Lem.Engine.Meters.Estimates;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// What the measured processes took of the machine during a window, from /proc: their CPU time (utime + stime of
/// every member) against the machine's busy and total CPU time, and their resident set (sampled, with the window's
/// own peak). It measures no energy itself: <see cref="HostAttribution"/> multiplies the host meters' system figures
/// by these shares (Scaphandre's method). A member that exits during the window keeps the CPU time last read for it.
/// </summary>
public sealed class ProcessMeter : IMeter
{
    public const string MeterName = "process";

    private static readonly TimeSpan MembershipRescan = TimeSpan.FromSeconds(1);

    private readonly ProcessMeterOptions _options;
    private readonly ProcFolder _proc;
    private readonly MeterClock _clock;
    private readonly IProcessSet _set;
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Dictionary<int, ulong> _baseTicks = [];
    private readonly Dictionary<int, ulong> _lastTicks = [];
    private readonly List<(double S, long Bytes)> _rss = [];
    private IReadOnlyList<int> _members = [];
    private int _mostMembers;
    private double _lastRescanS;
    private bool _hwmReset;
    private Thread? _thread;
    private string? _windowName;
    private CpuTimes _beginSystem;
    private double _beginS;
    private (CpuTimes System, double S, long? HwmBytes)? _end;

    public ProcessMeter(ProcessMeterOptions? options = null, MeterClock? clock = null)
    {
        _options = options ?? new ProcessMeterOptions();
        _proc = new ProcFolder(_options.ProcRoot);
        _clock = clock ?? MeterClock.System;
        _set = _options.Processes ?? new CurrentProcess();
        LogicalCpus = CpuInfo.Read(_options.ProcRoot).LogicalCpus;
        var members = _proc.HasStat ? _set.Members(_proc) : [];
        var readable = _proc.HasStat && (_set.CumulativeTicks(_proc) is not null || (members.Count > 0 && _proc.ReadProcessTicks(members[0]) is not null));
        Health = !_proc.HasStat
            ? new MeterHealth(MeterName, false, "process CPU time and resident set", $"{Path.Combine(_options.ProcRoot, "stat")} not found: CPU time cannot be read (not Linux?). Host energy is reported for the whole machine only.")
            : !readable
                ? new MeterHealth(MeterName, false, "process CPU time and resident set", $"{_set.Description}: no readable {_options.ProcRoot}/PID/stat. Host energy is reported for the whole machine only.")
                : new MeterHealth(MeterName, true, $"CPU time and resident set of {_set.Description} from {_options.ProcRoot} (share of host energy, Scaphandre's method)");
    }

    public string Name => MeterName;
    public MeterHealth Health { get; }
    public IProcessSet Processes => _set;
    public int LogicalCpus { get; }
    public TimeSpan SampleInterval => _options.SampleInterval ?? ProcessMeterOptions.DefaultSampleInterval;

    public void BeginWindow(string windowName)
    {
        if (_windowName is not null) throw new InvalidOperationException($"Window '{_windowName}' is still open.");
        _windowName = windowName;
        _end = null;
        if (!Health.Available) return;
        lock (_gate)
        {
            _baseTicks.Clear();
            _lastTicks.Clear();
            _rss.Clear();
            _mostMembers = 0;
            _members = _set.Members(_proc);
            _hwmReset = _options.ResetHighWaterMark && _members.Count > 0 && !_set.Changes
                && _members.All(_proc.TryResetHighWaterMark);
            _beginSystem = _proc.ReadSystem();
            _beginS = _clock.NowS;
            _lastRescanS = _beginS;
            ReadTicks(isBegin: true);
            SampleRss(_beginS);
        }
        if (_options.BackgroundSample)
        {
            _stop.Reset();
            _thread = new Thread(() => { while (!_stop.Wait(SampleInterval)) Sample(); }) { IsBackground = true, Name = "lem-process-sample" };
            _thread.Start();
        }
    }

    /// <summary>One sample of the resident set (and, for a tree, of its members at most once a second); the background thread calls it, and tests.</summary>
    public void Sample()
    {
        lock (_gate)
        {
            if (_windowName is null || _end is not null) return;
            var now = _clock.NowS;
            if (_set.Changes && now - _lastRescanS >= MembershipRescan.TotalSeconds)
            {
                _members = _set.Members(_proc);
                _lastRescanS = now;
                ReadTicks(isBegin: false);
            }
            SampleRss(now);
        }
    }

    /// <summary>The set's membership changed now (a command lem started has its pid): look its members up and sample at once,
    /// not at the next rescan, so that a short-lived member is seen.</summary>
    public void MembersChanged()
    {
        lock (_gate)
        {
            if (_windowName is null || _end is not null || !Health.Available) return;
            var now = _clock.NowS;
            _members = _set.Members(_proc);
            _lastRescanS = now;
            ReadTicks(isBegin: false);
            SampleRss(now);
        }
    }

    public void CaptureWindowEnd()
    {
        if (_windowName is null || !Health.Available || _end is not null) return;
        StopSampler();
        lock (_gate)
        {
            var system = _proc.ReadSystem();
            if (_set.Changes) _members = _set.Members(_proc);
            ReadTicks(isBegin: false);
            var now = _clock.NowS;
            SampleRss(now);
            long? hwm = null;
            if (_hwmReset)
            {
                var peaks = _members.Select(_proc.ReadHighWaterMarkBytes).ToList();
                if (peaks.All(p => p is not null)) hwm = peaks.Sum(p => p!.Value);
            }
            _end = (system, now, hwm);
        }
    }

    public MeterWindowResult EndWindow()
    {
        if (_windowName is null) throw new InvalidOperationException("EndWindow called without BeginWindow.");
        if (!Health.Available)
        {
            _windowName = null;
            return MeterWindowResult.Create(MeterName, [], new Dictionary<string, double>(),
                [new MeterWarning("process-share-unavailable", Health.UnavailableReason!, "Host energy figures are the whole machine's; run on Linux to attribute them to the process.")]);
        }
        CaptureWindowEnd();
        var (endSystem, endS, hwm) = _end!.Value;
        _windowName = null;
        _end = null;

        double processTicks;
        List<(double S, long Bytes)> rss;
        lock (_gate)
        {
            processTicks = _lastTicks.Sum(p => (double)(p.Value - _baseTicks.GetValueOrDefault(p.Key)));
            rss = [.. _rss];
        }
        var busy = (double)(endSystem.Busy - _beginSystem.Busy);
        var total = (double)(endSystem.Total - _beginSystem.Total);
        var ticksPerCpu = total / LogicalCpus;
        var metrics = new Dictionary<string, double>
        {
            [ProcessMetricNames.ProcessCpuTicks] = processTicks,
            [ProcessMetricNames.SystemBusyTicks] = busy,
            [ProcessMetricNames.SystemTotalTicks] = total,
            [ProcessMetricNames.WindowTicksPerCpu] = ticksPerCpu,
            [ProcessMetricNames.Members] = _mostMembers,
        };
        var warnings = new List<MeterWarning>();
        if (busy > 0)
        {
            // ticks of the processes and of /proc/stat are sampled separately, so the processes may show a tick more than the machine
            var share = Math.Min(1, processTicks / busy);
            metrics[ProcessMetricNames.ProcessCpuShare] = share;
            var other = Math.Max(0, busy - processTicks) / total;
            metrics[ProcessMetricNames.OtherCpuShare] = other;
            if (other > _options.OtherCpuShareLimit)
                warnings.Add(new MeterWarning("other-processes-busy",
                    string.Create(CultureInfo.InvariantCulture,
                        $"other processes used {other * 100:F1}% of the machine's CPU time during the window (more than {_options.OtherCpuShareLimit * 100:F0}%); {_set.Description} used {processTicks / total * 100:F1}%."),
                    "The system host-energy figures include the other processes' energy; the process figures (the default) do not. For clean system figures run on an otherwise idle machine."));
        }
        var lowTicks = Math.Min(ticksPerCpu, processTicks);
        if (busy <= 0 || lowTicks < _options.LowConfidenceTicks)
        {
            metrics[ProcessMetricNames.ShareLowConfidence] = 1;
            warnings.Add(new MeterWarning("process-share-low-confidence",
                string.Create(CultureInfo.InvariantCulture,
                    $"the process's CPU share rests on {processTicks:F0} tick(s) of its CPU time over a window of {ticksPerCpu:F1} tick(s) per CPU; fewer than {_options.LowConfidenceTicks:F0} make it coarse (one tick is 10 ms at USER_HZ = 100)."),
                "Measure longer windows (at least 100 ms, better 1 s)."));
        }
        else metrics[ProcessMetricNames.ShareLowConfidence] = 0;

        if (rss.Count > 0)
        {
            metrics[ProcessMetricNames.RssSamples] = rss.Count;
            metrics[ProcessMetricNames.RssMeanBytes] = TimeWeightedMean(rss, _beginS, endS);
            var sampledPeak = rss.Max(p => p.Bytes);
            metrics[ProcessMetricNames.RssPeakBytes] = hwm is { } h ? Math.Max(h, sampledPeak) : sampledPeak;
            metrics[ProcessMetricNames.RssPeakFromHighWaterMark] = hwm is null ? 0 : 1;
        }
        return MeterWindowResult.Create(MeterName, [], metrics, warnings);
    }

    /// <summary>Trapezoid mean of the samples over [from, to], holding the first and last values beyond them.</summary>
    public static double TimeWeightedMean(IReadOnlyList<(double S, long Bytes)> samples, double fromS, double toS)
    {
        if (samples.Count == 1 || !(toS > fromS)) return samples.Average(s => (double)s.Bytes);
        var area = (samples[0].S - fromS) * samples[0].Bytes;
        for (var i = 1; i < samples.Count; i++)
            area += (samples[i].S - samples[i - 1].S) * (samples[i].Bytes + samples[i - 1].Bytes) / 2.0;
        area += (toS - samples[^1].S) * samples[^1].Bytes;
        return area / (toS - fromS);
    }

    /// <summary>The key of a set's own cumulative counter among the per-pid ticks (no pid is negative).</summary>
    private const int CumulativeKey = -1;

    private void ReadTicks(bool isBegin)
    {
        if (_set.CumulativeTicks(_proc) is { } cumulative)
        {
            if (isBegin) _baseTicks[CumulativeKey] = cumulative;
            _lastTicks[CumulativeKey] = cumulative;
            _mostMembers = Math.Max(_mostMembers, _members.Count);
            return;
        }
        foreach (var pid in _members)
        {
            if (_proc.ReadProcessTicks(pid) is not { } ticks) continue;
            // a member first seen after the window began started inside it: all its CPU time is the window's
            if (isBegin) _baseTicks[pid] = ticks;
            else if (!_baseTicks.ContainsKey(pid)) _baseTicks[pid] = 0;
            _lastTicks[pid] = ticks;
        }
        _mostMembers = Math.Max(_mostMembers, _members.Count);
    }

    private void SampleRss(double nowS)
    {
        var values = _members.Select(_proc.ReadRssBytes).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count > 0) _rss.Add((nowS, values.Sum()));
    }

    private void StopSampler()
    {
        if (_thread is null) return;
        _stop.Set();
        _thread.Join();
        _thread = null;
    }

    public void Dispose()
    {
        StopSampler();
        _stop.Dispose();
    }
}
