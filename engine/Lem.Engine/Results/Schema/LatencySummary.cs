using Lem.Engine.Results.Aggregation;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// Summary of one latency (TTFT, ITL, TPOT, E2E) in milliseconds. Percentiles are null when they cannot be
/// computed honestly (no samples, or pooled across workers without per-request records).
/// </summary>
public sealed record LatencySummary(long Count, double? MeanMs, double? P50Ms, double? P90Ms, double? P95Ms, double? P99Ms)
{
    /// <summary>Mean and percentiles (linear interpolation between closest ranks) of the given samples.</summary>
    public static LatencySummary FromSamples(IEnumerable<double> samplesMs) =>
        From(Metrics.LatencySummary.Of(samplesMs)) ?? new(0, null, null, null, null, null);

    /// <summary>The record's shape of a computed summary; null stays null (the latency was not observed).</summary>
    public static LatencySummary? From(Metrics.LatencySummary? s) =>
        s is null ? null : new(s.Count, s.Mean, s.P50, s.P90, s.P95, s.P99);
}
