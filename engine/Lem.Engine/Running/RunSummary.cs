using System.Globalization;
using System.Text;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Running;

/// <summary>The console summary of one completed run: tokens, throughput, latency, energy by component with its source, warnings.</summary>
public static class RunSummary
{
    public static string Of(PlannedRun run, string runId, AggregatedRecord record, IEnumerable<RawRecord> workers) => Of(run.Key, runId, record, workers);

    /// <param name="key">What ran, in words (<c>EXPERIMENT#cycleN</c>, or a measured command's name and cycle).</param>
    public static string Of(string key, string runId, AggregatedRecord record, IEnumerable<RawRecord> workers)
    {
        string F(string metric, string format) => record.Metrics.TryGetValue(metric, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "NA";
        string N(long? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "NA";
        var text = new StringBuilder();
        text.AppendLine($"{key} -> {runId}");
        if (record.Tokens is { PromptTokens: null, OutputTokens: null })
            text.AppendLine(FormattableString.Invariant($"  window: {record.Window.DurationS:F2} s; no token counts reported"));
        else
            text.AppendLine($"  tokens: {N(record.Tokens.PromptTokens)} prompt, {N(record.Tokens.OutputTokens)} output in {record.Window.DurationS:F2} s; {F(MetricNames.OutputTokensPerS, "F1")} output tok/s");
        if (record.Latency.Count > 0)
            text.AppendLine($"  latency: TTFT p50 {F(MetricNames.Latency(LatencyNames.Ttft, "p50"), "F1")} ms, TPOT p50 {F(MetricNames.Latency(LatencyNames.Tpot, "p50"), "F2")} ms");
        foreach (var e in record.Energy)
            text.AppendLine($"  energy {e.Component}: {(e.EnergyJ is { } j ? j.ToString("F2", CultureInfo.InvariantCulture) + " J" : "unavailable")} [{EnergySourceText.Of(e.Source)}{(e.LowConfidence ? ", low confidence" : "")}] {e.Note}");
        foreach (var line in EnergySummaryLine.For(record)) text.AppendLine("  " + line);
        var warnings = workers.SelectMany(w => w.Warnings).Select(w => w.Message).Distinct().ToList();
        foreach (var warning in warnings) text.AppendLine($"  warning: {warning}");
        return text.ToString().TrimEnd();
    }
}
