namespace Lem.Engine.Metrics;

/// <summary>
/// Percentiles by linear interpolation between closest ranks (numpy's default, "linear", method 7 of
/// Hyndman and Fan): for n sorted values and a percent q, the rank is h = (n − 1)·q/100 and the result is
/// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
/// </summary>
public static class Percentiles
{
    /// <summary>The q-th percentile (0 ≤ q ≤ 100) of values that are already sorted ascending.</summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0) throw new ArgumentException("A percentile needs at least one value.", nameof(sorted));
        if (double.IsNaN(percent) || percent < 0 || percent > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile lies between 0 and 100.");
        var rank = (sorted.Count - 1) * percent / 100.0;
        var lower = (int)Math.Floor(rank);
        if (lower >= sorted.Count - 1) return sorted[^1];
        var fraction = rank - lower;
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
    }

    /// <summary>The q-th percentile (0 ≤ q ≤ 100) of values in any order.</summary>
    public static double Of(IEnumerable<double> values, double percent)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, percent);
    }
}
