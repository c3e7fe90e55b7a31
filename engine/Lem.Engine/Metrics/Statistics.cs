namespace Lem.Engine.Metrics;

/// <summary>
/// Statistics of a sample of any metric: mean, sample standard deviation, coefficient of variation, and
/// confidence intervals of the mean (Student t, and bootstrap percentile with a fixed seed so that reruns agree).
/// </summary>
public static class Statistics
{
    public const int DefaultBootstrapResamples = 10_000;
    public const int DefaultBootstrapSeed = 0;

    public static StatisticsSummary Describe(
        IReadOnlyList<double> values,
        double level = 0.95,
        int bootstrapResamples = DefaultBootstrapResamples,
        int bootstrapSeed = DefaultBootstrapSeed)
    {
        Validate(values);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "A confidence level lies between 0 and 1, for example 0.95.");
        var mean = Mean(values);
        var min = values.Min();
        var max = values.Max();
        var sorted = values.Order().ToArray();
        var (median, p5, p95) = (Percentiles.OfSorted(sorted, 50), Percentiles.OfSorted(sorted, 5), Percentiles.OfSorted(sorted, 95));
        if (values.Count < 2)
            return new StatisticsSummary(values.Count, mean, null, null, min, max, null, null,
                "only 1 value: a spread or confidence interval needs at least 2 (run more cycles)", median, p5, p95);
        var std = SampleStd(values);
        double? cv = mean == 0 ? null : std / Math.Abs(mean);
        return new StatisticsSummary(values.Count, mean, std, cv, min, max,
            StudentTInterval(values, level),
            BootstrapInterval(values, Mean, level, bootstrapResamples, bootstrapSeed),
            null, median, p5, p95);
    }

    public static double Mean(IReadOnlyList<double> values)
    {
        Validate(values);
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return sum / values.Count;
    }

    /// <summary>Standard deviation with divisor n − 1; needs at least two values.</summary>
    public static double SampleStd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) throw new ArgumentException("A sample standard deviation needs at least 2 values.", nameof(values));
        var mean = Mean(values);
        var squares = 0.0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / (values.Count - 1));
    }

    /// <summary>mean ± t(1 − (1 − level)/2, n − 1) · s / √n.</summary>
    public static ConfidenceInterval StudentTInterval(IReadOnlyList<double> values, double level = 0.95)
    {
        if (values.Count < 2) throw new ArgumentException("A confidence interval needs at least 2 values.", nameof(values));
        var mean = Mean(values);
        var halfWidth = StudentT.Quantile(1 - (1 - level) / 2, values.Count - 1) * SampleStd(values) / Math.Sqrt(values.Count);
        return new ConfidenceInterval(mean - halfWidth, mean + halfWidth, level, "student-t");
    }

    /// <summary>
    /// Bootstrap percentile interval of <paramref name="statistic"/>: the statistic of <paramref name="resamples"/>
    /// resamples drawn with replacement (seeded), then its (1 − level)/2 and 1 − (1 − level)/2 percentiles.
    /// </summary>
    public static ConfidenceInterval BootstrapInterval(
        IReadOnlyList<double> values,
        Func<IReadOnlyList<double>, double> statistic,
        double level = 0.95,
        int resamples = DefaultBootstrapResamples,
        int seed = DefaultBootstrapSeed)
    {
        if (values.Count < 2) throw new ArgumentException("A confidence interval needs at least 2 values.", nameof(values));
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "At least one bootstrap resample is needed.");
        var random = new Random(seed);
        var resample = new double[values.Count];
        var statistics = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < resample.Length; i++) resample[i] = values[random.Next(values.Count)];
            statistics[r] = statistic(resample);
        }
        Array.Sort(statistics);
        var tail = (1 - level) / 2 * 100;
        return new ConfidenceInterval(Percentiles.OfSorted(statistics, tail), Percentiles.OfSorted(statistics, 100 - tail), level, "bootstrap-percentile");
    }

    private static void Validate(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("Statistics need at least one value.", nameof(values));
        foreach (var v in values)
            if (!double.IsFinite(v)) throw new ArgumentException($"Statistics need finite values; got {v}.", nameof(values));
    }
}
