using System.Globalization;
using System.Text;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Results.Views;

/// <summary>Plain-text renderings for <c>lem results list</c> and <c>lem results show</c>.</summary>
public static class ResultsView
{
    private const string Missing = "NA";

    /// <summary>One aligned line per run: id, experiment, cycle, status, output tok/s, J per output token [source], start time.</summary>
    public static string List(ResultStore store)
    {
        var entries = store.ListRuns();
        if (entries.Count == 0) return $"no runs in {store.RootFolder}\n";
        return List(entries);
    }

    public static string List(IReadOnlyList<RunEntry> entries)
    {
        var table = new TextTable("id", "experiment", "cycle", "status", "output tok/s", "J/output token [source]", "started (UTC)").AlignRight(2, 4);
        foreach (var e in entries)
        {
            var r = e.Record;
            var status = RunStatusText.Of(e.Status);
            if (r is not null && r.WorkersFound < r.WorkerCount) status += $" ({r.WorkersFound}/{r.WorkerCount} workers)";
            if (r is null)
            {
                table.Add(e.RunId, "?", "?", status, Missing, Missing, "?");
                continue;
            }
            table.Add(
                e.RunId,
                Shorten(r.Experiment, 40),
                r.Cycle.ToString(CultureInfo.InvariantCulture),
                status,
                Number(r.Metrics.GetValueOrDefault(MetricNames.OutputTokensPerS, double.NaN)),
                EnergyPerOutputToken(r),
                r.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }
        var text = table.Render();
        var problems = entries.Where(e => e.Problem is not null).ToList();
        if (problems.Count > 0)
            text += "\n" + string.Join("\n", problems.Select(p => $"{p.RunId}: {p.Problem}")) + "\n";
        return text;
    }

    /// <summary>The run in sections: run, config with provenance, model, environment, window and tokens, throughput, latency, energy, FLOPs, memory, warnings.</summary>
    public static string Show(AggregatedRecord r)
    {
        var text = new StringBuilder();
        void Section(string title) => text.Append('\n').Append(title).Append('\n');

        text.Append("Run ").Append(r.RunId).Append('\n');
        var head = new TextTable();
        head.Add("experiment", r.Experiment);
        head.Add("cycle", r.Cycle.ToString(CultureInfo.InvariantCulture));
        head.Add("status", r.Status switch { RunStatus.Complete => "complete", RunStatus.Interrupted => "interrupted (INTERRUPTED marker: it never completes)",
            RunStatus.Failed => "failed (FAILED marker: the error and its phase; rerunning the campaign runs it again)", _ => "incomplete (no DONE marker)" }
            + $", {r.WorkersFound} of {r.WorkerCount} worker(s)");
        head.Add("started", Time(r.StartedUtc));
        head.Add("ended", Time(r.EndedUtc));
        head.Add("tool", $"{r.ToolVersion} (result schema {r.SchemaVersion})");
        text.Append(head.Render("  "));

        if (r.Config.Count > 0)
        {
            Section("Config");
            var config = new TextTable("parameter", "value", "from");
            foreach (var (name, p) in r.Config) config.Add(name, p.ValueText(), p.From);
            text.Append(config.Render("  "));
        }

        if (r.Model is { } m)
        {
            Section("Model");
            var model = new TextTable();
            model.Add("architecture", $"{m.Architecture} ({m.ModelType})");
            model.Add("parameters", m.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
            model.Add("precision", m.Precision);
            model.Add("device", m.Device);
            model.Add("weights", Bytes(m.WeightBytes));
            model.Add("load time", m.LoadTimeS is { } s ? Number(s) + " s" : "already loaded");
            if (m.Folder is not null) model.Add("folder", m.Folder);
            text.Append(model.Render("  "));
        }

        if (r.Command is { } measured)
        {
            Section("Command");
            var command = new TextTable();
            command.Add("argv", string.Join(" ", measured.Argv));
            command.Add("program", measured.Program);
            command.Add("folder", measured.WorkingFolder);
            command.Add("exit status", (measured.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown") + (measured.Interrupted ? " (interrupted)" : ""));
            command.Add("token lines", measured.ReportLines.ToString(CultureInfo.InvariantCulture));
            command.Add("output", $"{measured.StdoutFile}, {measured.StderrFile} in the run folder");
            text.Append(command.Render("  "));
        }

        if (r.Environment.Count > 0)
        {
            Section("Environment");
            var environment = new TextTable();
            foreach (var (key, value) in r.Environment) environment.Add(key, ParameterRecord.Text(value));
            text.Append(environment.Render("  "));
        }

        Section("Window and tokens");
        var window = new TextTable().AlignRight(1);
        window.Add("window", Number(r.Window.DurationS) + " s", $"{Time(r.Window.BeginUtc)} .. {Time(r.Window.EndUtc)}");
        window.Add("requests", Count(r.Tokens.Requests), "");
        window.Add("prompt tokens", Count(r.Tokens.PromptTokens), $"{Count(r.Tokens.PromptPaddedTokens)} with padding");
        window.Add("output tokens", Count(r.Tokens.OutputTokens), "");
        text.Append(window.Render("  "));

        Section("Throughput");
        var throughput = new TextTable().AlignRight(1);
        throughput.Add("output", Number(r.Throughput?.OutputTokensPerS), "tok/s");
        throughput.Add("total", Number(r.Throughput?.TotalTokensPerS), "tok/s");
        throughput.Add("requests", Number(r.Throughput?.RequestsPerS), "req/s");
        text.Append(throughput.Render("  "));

        if (r.Latency.Count > 0)
        {
            Section("Latency (ms)");
            var latency = new TextTable("", "mean", "p50", "p90", "p95", "p99", "samples").AlignRight(1, 2, 3, 4, 5, 6);
            foreach (var (name, s) in r.Latency)
                latency.Add(name, Number(s.MeanMs), Number(s.P50Ms), Number(s.P90Ms), Number(s.P95Ms), Number(s.P99Ms), Count(s.Count));
            text.Append(latency.Render("  "));
        }

        Section("Energy");
        if (r.Energy.Count == 0) text.Append("  no energy figure recorded\n");
        else
        {
            var energy = new TextTable("component", "energy J", "source", "method", "note").AlignRight(1);
            foreach (var e in r.Energy)
                energy.Add(e.Component, Number(e.EnergyJ), EnergySourceText.Of(e) + (e.LowConfidence ? " (low confidence)" : ""), e.Method, e.Note ?? "");
            var (total, source) = EnergyComponents.Sum(r.Energy);
            energy.Add("total", Number(total), EnergySourceText.OfSum(r.Energy, source), total is null ? "a component is unavailable" : "sum of components", "");
            text.Append(energy.Render("  "));
            text.Append($"  per output token: {EnergyPerOutputToken(r)} J; average power: {Number(r.Metrics.GetValueOrDefault(MetricNames.AvgPowerW, double.NaN))} W\n");
        }
        if (r.Baseline is { } b)
            text.Append($"  baseline: {Number(b.PowerW)} W idle ({string.Join(", ", b.Components)}, measured {Number(b.MeasuredDurationS)} s{(b.Cached ? ", cached" : "")}); adjusted energy {Number(b.AdjustedEnergyJ)} J{(b.Note is null ? "" : "; " + b.Note)}\n");
        if (r.Carbon is { } c)
            text.Append($"  carbon: {Number(c.Co2G)} g CO2 at {Number(c.IntensityGPerKwh)} g/kWh, PUE {Number(c.Pue)} ({c.Source}){(c.Note is null ? "" : "; " + c.Note)}\n");

        if (r.Flops is { } f)
        {
            Section("FLOPs");
            var flops = new TextTable().AlignRight(1);
            flops.Add("method", f.Method, $"confidence {f.Confidence}");
            flops.Add("prefill", Number(f.PrefillFlops), "FLOP");
            flops.Add("decode", Number(f.DecodeFlops), "FLOP");
            flops.Add("total", Number(f.TotalFlops), "FLOP");
            flops.Add("per output token", Number(f.FlopsPerOutputToken), "FLOP/token");
            flops.Add("MFU", Number(f.Mfu), "fraction of peak FLOP/s" + (f.MfuNote is { } mfuNote ? "; " + mfuNote : ""));
            flops.Add("MBU", Number(f.Mbu), "fraction of peak memory bandwidth" + (f.MbuNote is { } mbuNote ? "; " + mbuNote : ""));
            text.Append(flops.Render("  "));
        }

        if (r.Memory is { } mem)
        {
            Section("Memory");
            text.Append($"  peak process RSS {Bytes(mem.PeakProcessRssBytes)}; peak device memory {Bytes(mem.PeakDeviceBytes)}\n");
        }

        var others = r.Metrics.Where(kv => !MetricNames.IsCanonical(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (others.Count > 0)
        {
            Section("Meter metrics");
            var table = new TextTable().AlignRight(1);
            foreach (var (name, value) in others) table.Add(name, Number(value));
            text.Append(table.Render("  "));
        }

        Section("Warnings");
        if (r.Warnings.Count == 0) text.Append("  none\n");
        foreach (var w in r.Warnings)
            text.Append($"  {w.Code}{(w.Kind == WarningKind.Note ? " (note)" : "")}: {w.Message}{(w.Remedy is null ? "" : " Remedy: " + w.Remedy)}\n");

        if (r.AggregationNotes.Count > 0)
        {
            Section("Aggregation notes");
            foreach (var note in r.AggregationNotes) text.Append("  ").Append(note).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Shows a run by id or unique id prefix.</summary>
    public static string Show(ResultStore store, string idOrPrefix) => Show(store.Aggregate(store.ResolveRunId(idOrPrefix)));

    private static string EnergyPerOutputToken(AggregatedRecord r)
    {
        if (r.Energy.Count == 0) return Missing;
        var source = EnergySourceText.OfSum(r.Energy, EnergyComponents.Sum(r.Energy).Source);
        return $"{Number(r.Metrics.GetValueOrDefault(MetricNames.EnergyPerOutputTokenJ, double.NaN))} [{source}]";
    }

    private static string Number(double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return Missing;
        var magnitude = Math.Abs(v);
        var format = magnitude >= 1e6 || (magnitude > 0 && magnitude < 1e-3) ? "0.###e+0"
            : magnitude >= 100 ? "0.#"
            : magnitude >= 1 ? "0.###"
            : "0.####";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "NA";

    private static string Bytes(long? value) => value switch
    {
        null => Missing,
        >= 1L << 30 => (value.Value / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (value.Value / (double)(1L << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB",
        _ => value.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";
}
