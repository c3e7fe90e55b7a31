namespace Lem.Engine.Workload.Traffic;

/// <summary>Exponential, normal and gamma variates from a seeded <see cref="Random"/>.</summary>
internal static class RandomVariates
{
    /// <summary>Inverse-CDF sampling: −mean · ln(1 − U), U uniform in [0, 1).</summary>
    public static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    /// <summary>Standard normal by the Box–Muller transform.</summary>
    public static double StandardNormal(Random random)
    {
        var u1 = 1 - random.NextDouble(); // (0, 1]
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// Gamma(shape k, scale θ), mean kθ: Marsaglia and Tsang's squeeze method for k ≥ 1; for k &lt; 1,
    /// Gamma(k + 1) · U^(1/k), which has the Gamma(k) distribution.
    /// </summary>
    public static double Gamma(Random random, double shape, double scale)
    {
        if (shape < 1)
        {
            var u = 1 - random.NextDouble();
            return Gamma(random, shape + 1, scale) * Math.Pow(u, 1 / shape);
        }
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v * scale;
        }
    }
}
