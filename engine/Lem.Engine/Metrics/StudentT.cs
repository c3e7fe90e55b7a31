namespace Lem.Engine.Metrics;

/// <summary>
/// Student's t distribution: CDF through the regularized incomplete beta function, quantile by bisection
/// on the CDF (monotone, so bisection converges to double precision in a bounded number of steps).
/// </summary>
public static class StudentT
{
    /// <summary>P(T ≤ t) for T ~ t(degreesOfFreedom).</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        if (!(degreesOfFreedom > 0)) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Degrees of freedom must be positive.");
        if (double.IsNaN(t)) return double.NaN;
        if (double.IsPositiveInfinity(t)) return 1;
        if (double.IsNegativeInfinity(t)) return 0;
        var x = degreesOfFreedom / (degreesOfFreedom + t * t);
        var tail = 0.5 * SpecialFunctions.RegularizedIncompleteBeta(degreesOfFreedom / 2, 0.5, x);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The t with P(T ≤ t) = p, for 0 &lt; p &lt; 1.</summary>
    public static double Quantile(double p, double degreesOfFreedom)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "A quantile needs 0 < p < 1.");
        if (p == 0.5) return 0;
        if (p < 0.5) return -Quantile(1 - p, degreesOfFreedom);
        double low = 0, high = 1;
        while (Cdf(high, degreesOfFreedom) < p) { low = high; high *= 2; }
        for (var i = 0; i < 200 && high - low > 1e-15 * high; i++)
        {
            var mid = (low + high) / 2;
            if (Cdf(mid, degreesOfFreedom) < p) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }
}
