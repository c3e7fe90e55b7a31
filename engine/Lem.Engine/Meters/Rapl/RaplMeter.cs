using System.Globalization;
using System.Text.RegularExpressions;
using Lem.Engine.Meters.Host;

namespace Lem.Engine.Meters.Rapl;

/// <summary>
/// CPU package and DRAM energy from RAPL counters under /sys/class/powercap (Intel, and AMD kernels that expose the
/// same intel-rapl zones). Counters are polled in the background during a window so that wraps are counted.
/// When the tree is missing or unreadable the meter is unavailable and says why, with the remedy. A window spanning
/// fewer than <see cref="RaplMeterOptions.LowConfidenceUpdates"/> counter updates is low-confidence; a zone whose counter
/// did not advance (or a window shorter than one update) is unavailable, never 0 J. At marks the counters are read, so
/// that the window can be split in time (<see cref="HostPhaseSplit"/>). These are the machine's figures;
/// <see cref="HostAttribution"/> gives the process's share.
/// </summary>
public sealed partial class RaplMeter : IMeter
{
    public const string MeterName = "rapl";

    public const string PermissionRemedy =
        "Reading RAPL energy needs root on Linux 5.10 and later. Remedy: run as root, or allow reading with "
        + "`sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj /sys/class/powercap/intel-rapl:*/*/energy_uj` "
        + "(until reboot), or a udev rule (ACTION==\"add\", SUBSYSTEM==\"powercap\", RUN+=\"/bin/chmod o+r /sys%p/energy_uj\"). "
        + "Until then CPU and RAM energy are estimated.";

    private readonly IPowercapFiles _files;
    private readonly RaplMeterOptions _options;
    private readonly MeterClock _clock;
    private readonly RaplZone[] _zones;
    private readonly RaplCounter[] _counters;
    private readonly bool[] _failed;
    private readonly int[] _pollFailures;
    private long _polls;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly object _gate = new();
    private Thread? _thread;
    private string? _windowName;
    private double _beginS;
    private double? _endS;

    private readonly MarkLog? _marks;

    private RaplMeter(IPowercapFiles files, RaplMeterOptions options, MeterClock clock, RaplZone[] zones, MeterHealth health, TimeSpan pollInterval,
        double? updatePeriodMs = null, string? updatePeriodOrigin = null)
    {
        UpdatePeriodMs = updatePeriodMs ?? RaplMeterOptions.AssumedUpdatePeriodMs;
        UpdatePeriodOrigin = updatePeriodOrigin ?? "assumed";
        _marks = zones.Length > 0 ? new MarkLog(zones.Length) : null;
        _files = files;
        _options = options;
        _clock = clock;
        _zones = zones;
        _counters = zones.Select(z => new RaplCounter(z.MaxEnergyRangeUj)).ToArray();
        _failed = new bool[zones.Length];
        _pollFailures = new int[zones.Length];
        Health = health;
        PollInterval = pollInterval;
    }

    public string Name => MeterName;
    public MeterHealth Health { get; }
    public IReadOnlyList<RaplZone> Zones => _zones;
    public TimeSpan PollInterval { get; }

    /// <summary>The counters' update period (measured when the meter opened, configured, or assumed: <see cref="UpdatePeriodOrigin"/>).</summary>
    public double UpdatePeriodMs { get; }

    /// <summary><c>measured</c>, <c>configured</c> or <c>assumed</c> (Intel's documented ~1 ms, when probing saw no change).</summary>
    public string UpdatePeriodOrigin { get; }

    /// <summary>Polls completed since the meter opened (background and explicit).</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>True when a DRAM domain is measured (otherwise RAM energy must be estimated).</summary>
    public bool MeasuresDram => Health.Available && _zones.Any(z => z.IsDram);

    /// <summary>True when at least one package domain is measured.</summary>
    public bool MeasuresPackages => Health.Available && _zones.Any(z => z.IsPackage);

    [GeneratedRegex(@"^(?<prefix>[a-z]+-rapl):(?<pkg>\d+)$")]
    private static partial Regex TopZone();

    [GeneratedRegex(@"^(?<prefix>[a-z]+-rapl):(?<pkg>\d+):(?<sub>\d+)$")]
    private static partial Regex SubZone();

    public static RaplMeter Open(RaplMeterOptions? options = null, IPowercapFiles? files = null, MeterClock? clock = null)
    {
        options ??= new RaplMeterOptions();
        files ??= PowercapFiles.Instance;
        clock ??= MeterClock.System;
        var notes = new List<string>();
        var zones = new List<RaplZone>();

        var top = files.ListZoneFolders(options.Root).Where(n => TopZone().IsMatch(n)).ToList();
        if (top.Count == 0)
            return Unavailable(files, options, clock,
                $"No RAPL zones (intel-rapl:N) under {options.Root}: this machine or VM does not expose RAPL. CPU and RAM energy are estimated.");

        foreach (var folderName in top)
        {
            var folder = Path.Combine(options.Root, folderName);
            var zone = ReadZone(files, folder, folderName, null, notes);
            if (zone is null) continue;
            zones.Add(zone);
            var subs = files.ListSubfolders(folder).Where(n => SubZone().IsMatch(n) && n.StartsWith(folderName + ":", StringComparison.Ordinal));
            foreach (var sub in subs)
            {
                var subZone = ReadZone(files, Path.Combine(folder, sub), sub, zone.Name, notes);
                if (subZone is not null) zones.Add(subZone);
            }
        }
        // Trees that list subzones only at the top level (as symlinks) and not inside the package folder.
        foreach (var name in files.ListZoneFolders(options.Root).Where(n => SubZone().IsMatch(n)))
        {
            var parentFolder = name[..name.LastIndexOf(':')];
            var parent = zones.FirstOrDefault(z => Path.GetFileName(z.Folder) == parentFolder && z.Parent is null);
            if (parent is null || zones.Any(z => Path.GetFileName(z.Folder) == name)) continue;
            var subZone = ReadZone(files, Path.Combine(options.Root, name), name, parent.Name, notes);
            if (subZone is not null) zones.Add(subZone);
        }

        if (zones.Count == 0)
            return Unavailable(files, options, clock, $"RAPL zones under {options.Root} have no readable name or energy_uj: {string.Join(" ", notes)}");

        foreach (var z in zones)
        {
            try
            {
                ParseUj(files.ReadText(z.EnergyFile), z.EnergyFile);
            }
            catch (UnauthorizedAccessException)
            {
                return Unavailable(files, options, clock, $"Permission denied reading {z.EnergyFile}. {PermissionRemedy}");
            }
        }

        var minRangeJ = zones.Min(z => z.MaxEnergyRangeUj) / 1e6;
        var derived = TimeSpan.FromSeconds(Math.Clamp(minRangeJ / options.AssumedMaxPowerW / 2, 0.001, 1.0));
        var poll = options.PollInterval ?? derived;

        var (period, periodOrigin) = options.UpdatePeriodMs is { } configured
            ? (configured, "configured")
            : ProbeUpdatePeriodMs(files, zones.FirstOrDefault(z => z.IsPackage) ?? zones[0], options.UpdatePeriodProbe, clock) is { } probed
                ? (probed, "measured")
                : (RaplMeterOptions.AssumedUpdatePeriodMs, "assumed");
        var measured = string.Join(", ", zones.Select(z => z.Component));
        if (!zones.Any(z => z.IsDram)) notes.Add("no dram domain: RAM energy is estimated");
        var measures = $"RAPL energy counters: {measured}; polled every {poll.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms to count wraps; "
            + $"update period {period.ToString("F2", CultureInfo.InvariantCulture)} ms ({periodOrigin})"
            + (notes.Count > 0 ? " (" + string.Join("; ", notes) + ")" : "");
        return new RaplMeter(files, options, clock, zones.ToArray(), new MeterHealth(MeterName, true, measures, UpdatePeriodMs: period), poll, period, periodOrigin);
    }

    /// <summary>Mean time between changes of one counter over a short probe (5 changes); null when it changed fewer than twice.</summary>
    private static double? ProbeUpdatePeriodMs(IPowercapFiles files, RaplZone zone, TimeSpan probe, MeterClock clock)
    {
        var start = clock.NowS;
        string? last = null;
        var changes = new List<double>();
        while (clock.NowS - start < probe.TotalSeconds && changes.Count < 5)
        {
            string value;
            try
            {
                value = files.ReadText(zone.EnergyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            if (last is not null && value != last) changes.Add(clock.NowS);
            last = value;
            clock.Sleep(TimeSpan.FromMilliseconds(0.2));
        }
        return changes.Count >= 2 ? (changes[^1] - changes[0]) * 1000 / (changes.Count - 1) : null;
    }

    private static RaplZone? ReadZone(IPowercapFiles files, string folder, string folderName, string? parent, List<string> notes)
    {
        var nameFile = Path.Combine(folder, "name");
        var energyFile = Path.Combine(folder, "energy_uj");
        if (!files.FileExists(nameFile) || !files.FileExists(energyFile))
        {
            notes.Add($"{folderName} skipped (no name or energy_uj)");
            return null;
        }
        var name = files.ReadText(nameFile);
        var rangeFile = Path.Combine(folder, "max_energy_range_uj");
        ulong range = 0;
        if (files.FileExists(rangeFile)) range = ParseUj(files.ReadText(rangeFile), rangeFile);
        if (range == 0)
        {
            notes.Add($"{folderName} ({name}) skipped (no max_energy_range_uj, wraps could not be counted)");
            return null;
        }
        return new RaplZone(folder, name, parent, range);
    }

    private static ulong ParseUj(string text, string path) =>
        ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{path}: expected a whole number of microjoules, read '{text.Trim()}'.");

    private static RaplMeter Unavailable(IPowercapFiles files, RaplMeterOptions options, MeterClock clock, string why) =>
        new(files, options, clock, [], new MeterHealth(MeterName, false, "CPU package and DRAM energy (RAPL)", why), TimeSpan.Zero);

    public void BeginWindow(string windowName)
    {
        if (_windowName is not null) throw new InvalidOperationException($"Window '{_windowName}' is still open; end it before beginning '{windowName}'.");
        _windowName = windowName;
        if (!Health.Available) return;
        lock (_gate)
        {
            for (var i = 0; i < _zones.Length; i++)
            {
                _failed[i] = false;
                _pollFailures[i] = 0;
                if (TryRead(i, out var v)) _counters[i].Reset(v);
                else _failed[i] = true;
            }
        }
        _beginS = _clock.NowS;
        _marks?.Clear();
        if (_options.BackgroundPoll)
        {
            _stop.Reset();
            _thread = new Thread(() => { while (!_stop.Wait(PollInterval)) Poll(); }) { IsBackground = true, Name = "lem-rapl-poll" };
            _thread.Start();
        }
    }

    /// <summary>
    /// Reads every counter once and accumulates; called by the background thread, and by tests. A failed read in the
    /// middle of a window is skipped and counted (the next poll catches up, unless a whole wrap passed meanwhile);
    /// a failed read at the window's end makes that zone's figure unavailable.
    /// </summary>
    public void Poll() => Poll(final: false);

    private void Poll(bool final)
    {
        lock (_gate)
        {
            for (var i = 0; i < _zones.Length; i++)
            {
                if (_failed[i]) continue;
                if (TryRead(i, out var v)) _counters[i].Update(v);
                else if (final) _failed[i] = true;
                else _pollFailures[i]++;
            }
        }
        Interlocked.Increment(ref _polls);
    }

    /// <summary>Reads every counter at a workload mark (cumulative energy since the window began, per zone).</summary>
    public void Mark(double windowTimeS)
    {
        if (_windowName is null || !Health.Available || _endS is not null || _marks is null) return;
        lock (_gate)
        {
            Poll(final: false);
            _marks.Add(windowTimeS, _counters.Select(c => c.AccumulatedUj / 1e6).ToArray());
        }
    }

    public void CaptureWindowEnd()
    {
        if (_windowName is not null && Health.Available) CaptureReadings();
    }

    /// <summary>Stops the wrap-watching thread and reads every zone a last time (once per window).</summary>
    private void CaptureReadings()
    {
        if (_endS is not null) return;
        if (_thread is not null)
        {
            _stop.Set();
            _thread.Join();
            _thread = null;
        }
        Poll(final: true);
        _endS = _clock.NowS;
    }

    public MeterWindowResult EndWindow()
    {
        if (_windowName is null) throw new InvalidOperationException("EndWindow called without BeginWindow.");
        _windowName = null;
        if (!Health.Available)
        {
            var why = Health.UnavailableReason!;
            return MeterWindowResult.Create(MeterName,
                [EnergyFigure.Unavailable("cpu", why), EnergyFigure.Unavailable("ram", why)],
                new Dictionary<string, double>(),
                [new MeterWarning("rapl-unavailable", why, "CPU and RAM energy come from estimates where configured.")]);
        }
        CaptureReadings();
        var duration = _endS!.Value - _beginS;
        _endS = null;

        var energy = new List<EnergyFigure>();
        var metrics = new Dictionary<string, double>
        {
            ["window_duration_s"] = duration,
            ["rapl_update_period_ms"] = UpdatePeriodMs,
            ["rapl_window_updates"] = duration * 1000 / UpdatePeriodMs,
            [HostMarks.ResolutionMetric(MeterName)] = UpdatePeriodMs,
        };
        var warnings = new List<MeterWarning>();
        var updates = duration * 1000 / UpdatePeriodMs;
        var lowConfidence = updates < _options.LowConfidenceUpdates;
        if (lowConfidence && updates >= 1)
            warnings.Add(new MeterWarning("low-confidence-window",
                string.Create(CultureInfo.InvariantCulture, $"the RAPL window spans {updates:F1} counter updates ({UpdatePeriodMs:F2} ms, {UpdatePeriodOrigin}), fewer than {_options.LowConfidenceUpdates:F0}."),
                "Measure longer windows."));
        for (var i = 0; i < _zones.Length; i++)
        {
            var z = _zones[i];
            var key = $"rapl_{z.MetricName}";
            EnergyFigure figure;
            if (_failed[i])
            {
                var why = $"Reading {z.EnergyFile} failed during the window.";
                warnings.Add(new MeterWarning("rapl-read-failed", why, "Check permissions on the powercap files."));
                figure = EnergyFigure.Unavailable(z.Component, why);
            }
            else if (updates < 1)
            {
                var why = string.Create(CultureInfo.InvariantCulture, $"the window ({duration * 1000:F2} ms) is shorter than one RAPL counter update ({UpdatePeriodMs:F2} ms): {z.Name} cannot be measured over it.");
                warnings.Add(new MeterWarning("rapl-window-too-short", why, "Measure longer windows."));
                figure = EnergyFigure.Unavailable(z.Component, why);
            }
            else if (_counters[i].AccumulatedUj == 0)
            {
                var why = string.Create(CultureInfo.InvariantCulture, $"{z.EnergyFile} did not advance during the window ({duration:F3} s): the counter is stuck or not implemented for {z.Name}; 0 J would be wrong.");
                warnings.Add(new MeterWarning("rapl-counter-stuck", why, "Check the powercap driver (intel_rapl_common, amd_energy); the figure is unavailable."));
                figure = EnergyFigure.Unavailable(z.Component, why);
            }
            else
            {
                var joules = _counters[i].AccumulatedUj / 1e6;
                metrics[$"{key}_energy_j"] = joules;
                metrics[$"{key}_wraps"] = _counters[i].Wraps;
                if (_pollFailures[i] > 0) metrics[$"{key}_failed_polls"] = _pollFailures[i];
                figure = new EnergyFigure(z.Component, joules, EnergySource.MeasuredCounter,
                    $"RAPL energy_uj delta ({z.Name}), {_counters[i].Wraps} wrap(s) at {z.MaxEnergyRangeUj} uJ (whole machine)", LowConfidence: lowConfidence);
            }
            // Packages and DRAM are disjoint; core/uncore lie inside the package and psys covers the platform,
            // so those go to metrics only, never into the energy list that is summed.
            if (z.IsPackage || z.IsDram) energy.Add(figure);
        }
        var packages = _zones.Select((z, i) => (z, i)).Where(p => p.z.IsPackage && !_failed[p.i]).Sum(p => _counters[p.i].AccumulatedUj / 1e6);
        if (_zones.Any(z => z.IsPackage)) metrics["cpu_packages_energy_j"] = packages;
        if (_zones.Any(z => z.IsDram))
            metrics["ram_dram_energy_j"] = _zones.Select((z, i) => (z, i)).Where(p => p.z.IsDram && !_failed[p.i]).Sum(p => _counters[p.i].AccumulatedUj / 1e6);
        return MeterWindowResult.Create(MeterName, energy, metrics, warnings, MarkSeries(energy));
    }

    private IReadOnlyList<TimeSeriesPoint> MarkSeries(List<EnergyFigure> energy)
    {
        if (_marks is null) return [];
        var (times, readings) = _marks.Snapshot();
        if (times.Length == 0) return [];
        var points = new List<TimeSeriesPoint>();
        for (var i = 0; i < _zones.Length; i++)
        {
            var z = _zones[i];
            if (!(z.IsPackage || z.IsDram) || energy.FirstOrDefault(f => f.Component == z.Component)?.EnergyJ is null) continue;
            points.AddRange(HostMarks.Points(z.Component, times, readings.Select(r => r[i]).ToArray()));
        }
        return points;
    }

    private bool TryRead(int i, out ulong value)
    {
        try
        {
            value = ParseUj(_files.ReadText(_zones[i].EnergyFile), _zones[i].EnergyFile);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            value = 0;
            return false;
        }
    }

    public void Dispose()
    {
        if (_thread is not null)
        {
            _stop.Set();
            _thread.Join();
            _thread = null;
        }
        _stop.Dispose();
    }
}
