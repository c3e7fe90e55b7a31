using System.Globalization;

namespace Lem.Engine.Metrics;

/// <summary>
/// Latency and throughput of one measured run, under the canonical names of <see cref="MetricNames"/>.
/// Latency summaries are null where nothing was observed (no per-token times: no ITL).
/// </summary>
/// <param name="WindowS">The measurement window the rates are computed over, seconds.</param>
/// <param name="TpotExcludedRequests">Requests left out of TPOT because they produced fewer than two tokens.</param>
/// <param name="GoodputRequestsPerS">Null when no goodput targets were given.</param>
public sealed record WorkloadMetrics(
    int Requests,
    long PromptTokens,
    long OutputTokens,
    double WindowS,
    LatencySummary? TtftMs,
    LatencySummary? ItlMs,
    LatencySummary? ItlTrimmedMs,
    LatencySummary? TpotMs,
    int TpotExcludedRequests,
    LatencySummary? E2eLatencyMs,
    LatencySummary? QueueTimeMs,
    double OutputTokensPerS,
    double TotalTokensPerS,
    double RequestsPerS,
    double? GoodputRequestsPerS,
    double PaddingRatio,
    double EffectiveBatchSize)
{
    /// <summary>Energy of the window divided by output tokens (J per output token); null without output tokens.</summary>
    public double? EnergyPerOutputTokenJ(double energyJ) => OutputTokens > 0 ? energyJ / OutputTokens : null;

    /// <summary>Energy of the window divided by requests (J per request); null without requests.</summary>
    public double? EnergyPerRequestJ(double energyJ) => Requests > 0 ? energyJ / Requests : null;

    /// <summary>
    /// Every figure under its canonical name: scalars as they are, latency distributions as NAME (mean) and
    /// NAME_p50, NAME_p90, NAME_p95, NAME_p99, NAME_min, NAME_max, NAME_count. Unobserved metrics are absent.
    /// </summary>
    public IReadOnlyDictionary<string, double> ToNamedValues()
    {
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Requests] = Requests,
            [MetricNames.PromptTokens] = PromptTokens,
            [MetricNames.OutputTokens] = OutputTokens,
            [MetricNames.WindowS] = WindowS,
            [MetricNames.TpotExcludedRequests] = TpotExcludedRequests,
            [MetricNames.OutputTokensPerS] = OutputTokensPerS,
            [MetricNames.TotalTokensPerS] = TotalTokensPerS,
            [MetricNames.RequestsPerS] = RequestsPerS,
            [MetricNames.PaddingRatio] = PaddingRatio,
            [MetricNames.EffectiveBatchSize] = EffectiveBatchSize,
        };
        if (GoodputRequestsPerS is { } goodput) values[MetricNames.GoodputRequestsPerS] = goodput;
        Add(values, MetricNames.TtftMs, TtftMs);
        Add(values, MetricNames.ItlMs, ItlMs);
        Add(values, MetricNames.ItlTrimmedMs, ItlTrimmedMs);
        Add(values, MetricNames.TpotMs, TpotMs);
        Add(values, MetricNames.E2eLatencyMs, E2eLatencyMs);
        Add(values, MetricNames.QueueTimeMs, QueueTimeMs);
        return values;
    }

    private static void Add(IDictionary<string, double> values, string name, LatencySummary? summary)
    {
        if (summary is null) return;
        values[name] = summary.Mean;
        values[name + "_p50"] = summary.P50;
        values[name + "_p90"] = summary.P90;
        values[name + "_p95"] = summary.P95;
        values[name + "_p99"] = summary.P99;
        values[name + "_min"] = summary.Min;
        values[name + "_max"] = summary.Max;
        values[name + "_count"] = summary.Count;
    }

    public override string ToString() =>
        string.Join(", ", ToNamedValues().Select(kv => kv.Key + " = " + kv.Value.ToString("G6", CultureInfo.InvariantCulture)));
}
