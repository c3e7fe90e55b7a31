using Lem.Engine.Workload;

namespace Lem.Engine.Metrics;

/// <summary>Computes <see cref="WorkloadMetrics"/> from the records of a run (formulas in docs/metrics.md).</summary>
public static class WorkloadMetricsCalculator
{
    /// <param name="windowS">
    /// The measurement window the rates are computed over, seconds; null uses the run's own duration
    /// (window start to the end of its last batch).
    /// </param>
    /// <param name="goodput">Targets for goodput; null or empty leaves goodput out.</param>
    public static WorkloadMetrics Compute(WorkloadRun run, double? windowS = null, GoodputTargets? goodput = null)
    {
        var window = windowS ?? run.DurationS;
        if (!(window > 0) || double.IsInfinity(window))
            throw new ArgumentOutOfRangeException(nameof(windowS), window, "Rates need a positive, finite measurement window.");
        // failed requests (request shape) count in no figure: they are reported as failed_requests
        var succeeded = run.Requests.Where(r => r.Succeeded).ToArray();
        var latencies = succeeded.Select(RequestLatencies.Of).ToArray();
        var promptTokens = succeeded.Sum(r => (long)r.PromptTokens);
        var outputTokens = succeeded.Sum(r => (long)r.OutputTokens);
        double? goodputPerS = goodput is null || goodput.IsEmpty ? null : latencies.Count(l => l.Meets(goodput)) / window;
        return new WorkloadMetrics(
            succeeded.Length,
            promptTokens,
            outputTokens,
            window,
            LatencySummary.Of(latencies.Where(l => l.TtftMs is not null).Select(l => l.TtftMs!.Value)),
            LatencySummary.Of(succeeded.SelectMany(InterTokenLatency.GapsMs)),
            LatencySummary.Of(succeeded.SelectMany(InterTokenLatency.TrimmedGapsMs)),
            LatencySummary.Of(latencies.Where(l => l.TpotMs is not null).Select(l => l.TpotMs!.Value)),
            latencies.Count(l => l.TpotMs is null),
            LatencySummary.Of(latencies.Select(l => l.E2eLatencyMs)),
            LatencySummary.Of(latencies.Select(l => l.QueueTimeMs)),
            outputTokens / window,
            (promptTokens + outputTokens) / window,
            succeeded.Length / window,
            goodputPerS,
            run.PaddingRatio,
            run.EffectiveBatchSize);
    }
}
