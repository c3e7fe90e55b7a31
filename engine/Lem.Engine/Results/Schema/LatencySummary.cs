using Percentiles = Lem.Engine.Metrics.Percentiles;
using Lem.Engine.Results.Aggregation;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// Summary of one latency (TTFT, ITL, TPOT, E2E) in milliseconds. Percentiles are null when they cannot be
/// computed honestly (no samples, or pooled across workers without per-request records).
/// </summary>
public sealed record LatencySummary(long Count, double? MeanMs, double? P50Ms, double? P90Ms, double? P95Ms, double? P99Ms)
{
    /// <summary>Mean and percentiles (linear interpolation between closest ranks) of the given samples.</summary>
    public static LatencySummary FromSamples(IEnumerable<double> samplesMs)
    {
        var sorted = samplesMs.OrderBy(x => x).ToArray();
        if (sorted.Length == 0) return new(0, null, null, null, null, null);
        return new(sorted.Length, sorted.Average(),
            Percentiles.OfSorted(sorted, 50), Percentiles.OfSorted(sorted, 90), Percentiles.OfSorted(sorted, 95), Percentiles.OfSorted(sorted, 99));
    }
}
