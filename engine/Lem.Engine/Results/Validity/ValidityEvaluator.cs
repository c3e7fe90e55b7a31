using System.Globalization;
using System.Text.RegularExpressions;
using Lem.Engine.Config;
using Lem.Engine.Meters;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Validity;

/// <summary>
/// The validity verdict of a record (a pure function of the record and what the runner passes beside it): whether
/// each energy figure's window is long enough for its meter's resolution, whether GPU power samples cover the window,
/// whether mean GPU power lies between idle and the power limit, whether the energy counter and integrated power
/// agree, whether the GPU throttled, how much of the window was at steady state (the target number of requests in
/// flight) with the energy over that part, and whether estimates dominate the total. Thresholds: <see cref="ValidityRules"/>;
/// each check's rule is in docs/methodology.md ("Validity verdict").
/// </summary>
public static partial class ValidityEvaluator
{
    [GeneratedRegex(@"^gpu(?<n>\d+)_sample_count$")]
    private static partial Regex GpuSampleCount();

    public static ValidityVerdict Evaluate(RunFigures record, ValidityInputs? inputs = null, ValidityRules? rules = null)
    {
        inputs ??= new ValidityInputs();
        rules ??= new ValidityRules();
        var checks = new List<ValidityCheck>();
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        var m = record.Metrics;
        var window = record.Window.DurationS;

        foreach (var e in record.Energy) checks.Add(WindowResolution(e, m, window));

        var gpus = m.Keys.Select(k => GpuSampleCount().Match(k)).Where(x => x.Success).Select(x => x.Groups["n"].Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var interval = inputs.SampleIntervalMs ?? ConfigDurationMs(record, "measurement.sample_interval");
        var coverages = new List<double>();
        foreach (var n in gpus)
        {
            var coverage = Coverage(n, m, window, interval, inputs.TimeSeries, rules);
            if (coverage is null) continue;
            coverages.Add(coverage.Value.Value);
            checks.Add(coverage.Value.Check);
        }
        if (coverages.Count > 0) figures[MetricNames.PowerSampleCoverage] = coverages.Min();

        var gpuIdle = GpuIdlePerDevice(record);
        foreach (var e in record.Energy.Where(e => EnergyComponents.Category(e.Component) == EnergyComponents.Gpu && e.EnergyJ is not null && !e.Component.Contains("adjusted", StringComparison.Ordinal)))
            if (PowerRange(e, m, window, gpuIdle, rules) is { } check) checks.Add(check);

        foreach (var n in gpus)
            if (CounterAgreement(n, m, window, rules) is { } check) checks.Add(check);
        foreach (var n in gpus)
            checks.Add(Throttling(n, m, window));

        if (SteadyStateCheck(record, inputs, rules, figures) is { } steady) checks.Add(steady);
        if (record.Command is { } command) checks.Add(CommandCheck(command));

        var composition = EnergyComposition.Of(record.Energy);
        if (composition.EstimatedShare is { } share)
            checks.Add(new ValidityCheck("energy-sources",
                share > rules.EstimatedShareWarn ? ValidityStatus.Warn : ValidityStatus.Pass,
                composition.Describe(rules.EstimatedShareWarn), share));
        return ValidityVerdict.Of(checks, figures);
    }

    /// <summary>A measured command must have run to its end and succeeded: otherwise its figures measure a failed or cut-short run.</summary>
    private static ValidityCheck CommandCheck(CommandRecord command) => command switch
    {
        { Interrupted: true } => new ValidityCheck("command-exit", ValidityStatus.Fail,
            $"interrupted: lem passed an interrupt on to the program, which then exited with status {command.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}", command.ExitCode),
        { ExitCode: 0 } => new ValidityCheck("command-exit", ValidityStatus.Pass, "the program exited with status 0", 0),
        _ => new ValidityCheck("command-exit", ValidityStatus.Fail,
            $"the program exited with status {command.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}: the window measured a failed run", command.ExitCode),
    };

    private static ValidityCheck WindowResolution(EnergyRecord e, IReadOnlyDictionary<string, double> m, double window)
    {
        var name = $"window-resolution ({e.Component})";
        var resolution = ResolutionText(e.Component, m, window);
        if (e.EnergyJ is null || e.Source == EnergySource.Unavailable)
            return new ValidityCheck(name, ValidityStatus.Fail, $"no figure: {e.Note ?? "unavailable"}{resolution}");
        if (e.LowConfidence)
            return new ValidityCheck(name, ValidityStatus.Warn, $"low confidence: the window is short for this meter's resolution{resolution}");
        return new ValidityCheck(name, ValidityStatus.Pass, $"window {Num(window)} s{resolution}");
    }

    private static string ResolutionText(string component, IReadOnlyDictionary<string, double> m, double window)
    {
        var category = EnergyComponents.Category(component);
        if (category == EnergyComponents.Gpu && component.Split(':') is [_, var index, ..] && m.TryGetValue($"gpu{index}_counter_update_period_ms", out var period))
            return $"; {Num(window * 1000 / period)} counter updates of {Num(period)} ms";
        if (component.Contains("package", StringComparison.Ordinal) || component.Contains("dram", StringComparison.Ordinal))
            return m.TryGetValue("rapl_window_updates", out var updates) ? $"; {Num(updates)} RAPL counter updates" : "";
        if (m.TryGetValue("cpu_estimate_window_ticks", out var ticks)) return $"; {Num(ticks)} /proc/stat ticks per CPU";
        return "";
    }

    private static (ValidityCheck Check, double Value)? Coverage(string n, IReadOnlyDictionary<string, double> m, double window, double? intervalMs,
        IReadOnlyList<TimeSeriesPoint>? series, ValidityRules rules)
    {
        if (intervalMs is not { } interval || interval <= 0 || window <= 0) return null;
        var name = $"power-sample-coverage (gpu:{n})";
        var times = series?.Where(p => p.Series == $"gpu{n}_instant_power_w" || p.Series == $"gpu{n}_avg_power_w")
            .Select(p => p.TimeS).Distinct().Order().ToArray();
        double coverage;
        string how;
        if (times is { Length: > 0 })
        {
            var gap = rules.SampleGapIntervals * interval / 1000;
            var edges = new[] { 0.0 }.Concat(times.Where(t => t > 0 && t < window)).Append(window).ToArray();
            var uncovered = 0.0;
            for (var i = 1; i < edges.Length; i++)
                if (edges[i] - edges[i - 1] > gap) uncovered += edges[i] - edges[i - 1];
            coverage = 1 - uncovered / window;
            how = $"{times.Length} samples; gaps longer than {Num(rules.SampleGapIntervals)} × {Num(interval)} ms count as uncovered";
        }
        else if (m.TryGetValue($"gpu{n}_sample_count", out var count))
        {
            coverage = Math.Min(1, Math.Max(0, count - 1) * interval / 1000 / window);
            how = $"{count:F0} samples at {Num(interval)} ms over {Num(window)} s";
        }
        else return null;
        var status = coverage >= rules.SampleCoveragePass ? ValidityStatus.Pass : coverage >= rules.SampleCoverageFail ? ValidityStatus.Warn : ValidityStatus.Fail;
        return (new ValidityCheck(name, status, $"{Num(coverage * 100)}% of the window covered ({how})", coverage), coverage);
    }

    private static ValidityCheck? PowerRange(EnergyRecord e, IReadOnlyDictionary<string, double> m, double window, double? idleW, ValidityRules rules)
    {
        if (window <= 0 || e.Component.Split(':') is not [_, var index, ..]) return null;
        var name = $"gpu-power-range ({e.Component})";
        var mean = e.EnergyJ!.Value / window;
        double? limit = m.TryGetValue($"gpu{index}_power_limit_w", out var l) && l > 0 ? l : null;
        var parts = new List<string> { $"mean power {Num(mean)} W" };
        var status = ValidityStatus.Pass;
        if (idleW is { } idle)
        {
            parts.Add($"idle {Num(idle)} W");
            if (mean < idle * (1 - 2 * rules.BelowIdleTolerance)) status = ValidityStatus.Fail;
            else if (mean < idle * (1 - rules.BelowIdleTolerance)) status = ValidityStatus.Warn;
        }
        else parts.Add("idle unknown (no baseline)");
        if (limit is { } max)
        {
            parts.Add($"limit {Num(max)} W");
            if (mean > max * (1 + 2 * rules.AboveLimitTolerance)) status = ValidityStatus.Fail;
            else if (mean > max * (1 + rules.AboveLimitTolerance)) status = (ValidityStatus)Math.Max((int)status, (int)ValidityStatus.Warn);
        }
        else parts.Add("limit unknown");
        var detail = string.Join(", ", parts) + status switch
        {
            ValidityStatus.Pass => "",
            _ when idleW is { } i && mean < i => ": below idle — the counter or the baseline is suspect (re-measure the baseline)",
            _ => ": above the power limit — the counter is suspect",
        };
        return new ValidityCheck(name, status, detail, mean);
    }

    private static double? GpuIdlePerDevice(RunFigures record)
    {
        if (record.Baseline is not { PowerW: { } power } b) return null;
        var gpus = b.Components.Count(c => EnergyComponents.Category(c) == EnergyComponents.Gpu);
        return gpus > 0 ? power / gpus : null;
    }

    private static ValidityCheck? CounterAgreement(string n, IReadOnlyDictionary<string, double> m, double window, ValidityRules rules)
    {
        if (!m.TryGetValue($"gpu{n}_samples_vs_counter_rel_diff", out var diff)) return null;
        var name = $"counter-vs-samples (gpu:{n})";
        var text = $"integrated averaged power vs counter: {Num(diff * 100)}%";
        if (window < rules.CounterAgreementMinWindowS)
            return new ValidityCheck(name, ValidityStatus.Pass, $"{text}; not judged in a window under {Num(rules.CounterAgreementMinWindowS)} s (NVML's averaged power lags the load by about a second)", diff);
        var status = Math.Abs(diff) <= rules.CounterAgreementPass ? ValidityStatus.Pass
            : Math.Abs(diff) <= rules.CounterAgreementFail ? ValidityStatus.Warn : ValidityStatus.Fail;
        return new ValidityCheck(name, status, text + (status == ValidityStatus.Pass ? "" : $" (more than {Num(rules.CounterAgreementPass * 100)}%)"), diff);
    }

    private static ValidityCheck Throttling(string n, IReadOnlyDictionary<string, double> m, double window)
    {
        var prefix = $"gpu{n}_throttle_";
        var reasons = m.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.EndsWith("_s", StringComparison.Ordinal) && p.Value > 0)
            .Select(p => $"{p.Key[prefix.Length..^2]} {Num(p.Value)} s").ToList();
        return reasons.Count == 0
            ? new ValidityCheck($"throttling (gpu:{n})", ValidityStatus.Pass, "no throttle reason seen")
            : new ValidityCheck($"throttling (gpu:{n})", ValidityStatus.Warn, $"throttled: {string.Join(", ", reasons)} of {Num(window)} s — the figures describe a throttled GPU");
    }

    private static ValidityCheck? SteadyStateCheck(RunFigures record, ValidityInputs inputs, ValidityRules rules, Dictionary<string, double> figures)
    {
        if (record is not RawRecord { Requests: { Count: > 0 } requests }) return null;
        var target = inputs.TargetInFlight ?? ConfigInteger(record, "batching.batch_size");
        if (target is not { } t || t < 1) return null;
        var intervals = requests.Where(r => r.EndS is not null).Select(r => (r.InFlightFromS, r.EndS!.Value)).ToList();
        var energy = record.Energy.Count > 0 ? EnergyComponents.Sum(record.Energy).EnergyJ : null;
        var power = inputs.TimeSeries is null ? null : GpuPowerSeries(inputs.TimeSeries);
        var steady = SteadyState.Compute(intervals, t, record.Window.DurationS, energy, power);
        if (steady is null) return null;
        figures[MetricNames.SteadyStateShare] = steady.ShareOfWindow;
        if (steady.SteadyEnergyJ is { } steadyJ) figures[MetricNames.EnergySteadyStateJ] = steadyJ;
        var status = steady.ShareOfWindow >= rules.SteadyStatePass ? ValidityStatus.Pass
            : steady.ShareOfWindow >= rules.SteadyStateFail ? ValidityStatus.Warn : ValidityStatus.Fail;
        var energyText = steady.SteadyEnergyJ is { } j && energy is { } all
            ? $"; energy over it {Num(j)} J of {Num(all)} J ({(steady.FromPowerSamples ? "from power samples" : "from the window's mean power")}), mean power {Num(steady.SteadyS > 0 ? j / steady.SteadyS : double.NaN)} W vs {Num(all / record.Window.DurationS)} W over the window"
            : "";
        return new ValidityCheck("steady-state", status,
            $"{Num(steady.ShareOfWindow * 100)}% of the window ({Num(steady.SteadyS)} of {Num(record.Window.DurationS)} s) had {t} or more requests in flight{energyText}"
            + (status == ValidityStatus.Pass ? "" : " — ramp-up, tail and gaps weigh in the figures; use more prompts per batch size (or a longer traffic run)"),
            steady.ShareOfWindow);
    }

    /// <summary>Per GPU, its instant power series (else its averaged one), from the window's series.</summary>
    private static IReadOnlyList<IReadOnlyList<(double TimeS, double PowerW)>> GpuPowerSeries(IReadOnlyList<TimeSeriesPoint> series)
    {
        var byName = series.GroupBy(p => p.Series).ToDictionary(g => g.Key, g => g.OrderBy(p => p.TimeS).Select(p => (p.TimeS, p.Value)).ToArray());
        var gpus = byName.Keys.Select(k => Regex.Match(k, @"^(gpu\d+)_(instant|avg)_power_w$")).Where(x => x.Success).Select(x => x.Groups[1].Value).Distinct();
        return gpus.Select(g => (IReadOnlyList<(double, double)>)(byName.GetValueOrDefault(g + "_instant_power_w") ?? byName[g + "_avg_power_w"])).ToList();
    }

    private static int? ConfigInteger(RunFigures record, string name) =>
        record.Config.TryGetValue(name, out var p) && ParameterRecord.Number(p.Value) is { } v ? (int)v : null;

    private static double? ConfigDurationMs(RunFigures record, string name) =>
        record.Config.TryGetValue(name, out var p) && DurationText.TryParse(ParameterRecord.Text(p.Value), out var d) ? d.TotalMilliseconds : null;

    private static string Num(double v) => double.IsFinite(v) ? v.ToString(Math.Abs(v) >= 100 ? "F0" : Math.Abs(v) >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture) : "NA";
}
