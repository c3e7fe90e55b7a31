namespace Lem.Engine.Results.Aggregation;

/// <summary>Percentiles by linear interpolation between closest ranks (numpy's default, Hyndman–Fan type 7).</summary>
public static class Percentiles
{
    /// <param name="sorted">Samples in ascending order, at least one.</param>
    /// <param name="percent">0..100.</param>
    public static double OfSorted(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0) throw new ArgumentException("at least one sample is needed", nameof(sorted));
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "a percentile lies in 0..100");
        var rank = percent / 100.0 * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }
}
