namespace Lem.Engine.Metrics;

/// <summary>Welch's t-test: are two samples' means different, without assuming equal variances.</summary>
public static class WelchTest
{
    /// <summary>Tests mean(B) − mean(A); each sample needs at least two values.</summary>
    public static WelchTestResult Compare(IReadOnlyList<double> a, IReadOnlyList<double> b, double level = 0.95)
    {
        if (a.Count < 2 || b.Count < 2) throw new ArgumentException("Welch's t-test needs at least 2 values in each sample.");
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "A confidence level lies between 0 and 1, for example 0.95.");
        var meanA = Statistics.Mean(a);
        var meanB = Statistics.Mean(b);
        var varA = Math.Pow(Statistics.SampleStd(a), 2) / a.Count;
        var varB = Math.Pow(Statistics.SampleStd(b), 2) / b.Count;
        var difference = meanB - meanA;
        var se = Math.Sqrt(varA + varB);
        if (se == 0)
        {
            var same = difference == 0;
            return new WelchTestResult(meanA, meanB, difference, 0, same ? 0 : Math.CopySign(double.PositiveInfinity, difference), double.NaN,
                same ? 1 : 0, new ConfidenceInterval(difference, difference, level, "welch-t"));
        }
        var df = (varA + varB) * (varA + varB) / (varA * varA / (a.Count - 1) + varB * varB / (b.Count - 1));
        var t = difference / se;
        var p = 2 * (1 - StudentT.Cdf(Math.Abs(t), df));
        var half = StudentT.Quantile(1 - (1 - level) / 2, df) * se;
        return new WelchTestResult(meanA, meanB, difference, se, t, df, p, new ConfidenceInterval(difference - half, difference + half, level, "welch-t"));
    }
}
