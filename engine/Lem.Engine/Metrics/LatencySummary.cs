namespace Lem.Engine.Metrics;

/// <summary>
/// The distribution of one latency metric, in the unit its name carries (milliseconds for <c>ttft_ms</c>).
/// Percentiles by linear interpolation (<see cref="Percentiles"/>).
/// </summary>
public sealed record LatencySummary(double Mean, double P50, double P90, double P95, double P99, double Min, double Max, int Count)
{
    /// <summary>The summary of the given samples; null when there are none (the metric was not observed).</summary>
    public static LatencySummary? Of(IEnumerable<double> samples)
    {
        var sorted = samples.ToArray();
        if (sorted.Length == 0) return null;
        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Average(),
            Percentiles.OfSorted(sorted, 50),
            Percentiles.OfSorted(sorted, 90),
            Percentiles.OfSorted(sorted, 95),
            Percentiles.OfSorted(sorted, 99),
            sorted[0],
            sorted[^1],
            sorted.Length);
    }
}
