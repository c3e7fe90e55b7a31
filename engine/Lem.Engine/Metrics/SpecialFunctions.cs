namespace Lem.Engine.Metrics;

/// <summary>Log-gamma and the regularized incomplete beta function, for the t distribution.</summary>
internal static class SpecialFunctions
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>ln Γ(x) for x &gt; 0: the Stirling series at x ≥ 10, shifted there by Γ(x + 1) = x Γ(x) (error below 1e-14).</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma is defined here for x > 0.");
        var shift = 0.0;
        while (x < 10)
        {
            shift -= Math.Log(x);
            x += 1;
        }
        var inverse = 1 / x;
        var inverseSquared = inverse * inverse;
        var series = inverse * (1.0 / 12 - inverseSquared * (1.0 / 360 - inverseSquared * (1.0 / 1260 - inverseSquared / 1680)));
        return shift + (x - 0.5) * Math.Log(x) - x + HalfLogTwoPi + series;
    }

    /// <summary>I_x(a, b), by its continued fraction (evaluated with the modified Lentz method) on the side where it converges fast.</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        if (x < (a + 1) / (a + b + 2)) return Math.Exp(logFront) * ContinuedFraction(a, b, x) / a;
        return 1 - Math.Exp(logFront) * ContinuedFraction(b, a, 1 - x) / b;
    }

    private static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        const double epsilon = 1e-16;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var result = d;
        for (var m = 1; m <= 10_000; m++)
        {
            // even term d_{2m}, then odd term d_{2m+1} of the continued fraction
            var even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + even * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + even / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + odd * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + odd / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < epsilon) break;
        }
        return result;
    }
}
