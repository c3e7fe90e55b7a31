using Lem.Engine.Metrics;

namespace Lem.Engine.Tests.Metrics;

public class StatisticsTests
{
    // reference quantiles of Student's t (two-sided 95%: p = 0.975)
    [Theory]
    [InlineData(1, 12.706204736174698)]
    [InlineData(2, 4.302652729749464)]
    [InlineData(4, 2.7764451051977934)]
    [InlineData(10, 2.2281388519862744)]
    [InlineData(30, 2.0422724563012373)]
    [InlineData(1000, 1.9623390808264078)]
    public void Student_t_quantile(int degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, StudentT.Quantile(0.975, degreesOfFreedom), 9);
        Assert.Equal(-expected, StudentT.Quantile(0.025, degreesOfFreedom), 9);
    }

    [Fact]
    public void Student_t_cdf_known_points()
    {
        Assert.Equal(0.5, StudentT.Cdf(0, 3), 12);
        Assert.Equal(0.75, StudentT.Cdf(1, 1), 12);            // Cauchy: 1/2 + atan(1)/π
        Assert.Equal(0.9, StudentT.Cdf(1.8856180831641267, 2), 9);
        Assert.Equal(0.995, StudentT.Cdf(63.65674116287399, 1), 9);
    }

    [Fact]
    public void Describe_worked_example()
    {
        double[] values = [2, 4, 4, 4, 5, 5, 7, 9];
        var s = Statistics.Describe(values);

        Assert.Equal(8, s.Count);
        Assert.Equal(5, s.Mean, 12);
        var std = Math.Sqrt(32.0 / 7);
        Assert.Equal(std, s.Std!.Value, 12);
        Assert.Equal(std / 5, s.Cv!.Value, 12);
        var half = 2.3646242515927849 * std / Math.Sqrt(8);
        Assert.Equal(5 - half, s.StudentT!.Lower, 9);
        Assert.Equal(5 + half, s.StudentT.Upper, 9);
        Assert.Equal("student-t", s.StudentT.Method);
        Assert.Null(s.NoIntervalReason);
        Assert.Equal(2, s.Min);
        Assert.Equal(9, s.Max);
    }

    [Fact]
    public void Bootstrap_interval_is_reproducible_and_brackets_the_mean()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 60).Select(_ => 100 + 10 * (random.NextDouble() - 0.5)).ToArray();

        var a = Statistics.Describe(values);
        var b = Statistics.Describe(values);
        Assert.Equal(a.Bootstrap, b.Bootstrap);
        Assert.True(a.Bootstrap!.Lower < a.Mean && a.Mean < a.Bootstrap.Upper);
        // for a well-behaved sample of 60 the two intervals agree to within a fifth of their width
        Assert.InRange(a.Bootstrap.HalfWidth / a.StudentT!.HalfWidth, 0.8, 1.2);
        Assert.NotEqual(a.Bootstrap, Statistics.Describe(values, bootstrapSeed: 99).Bootstrap);
    }

    [Fact]
    public void Bootstrap_works_for_any_statistic()
    {
        double[] values = [1, 2, 3, 4, 100];
        var median = Statistics.BootstrapInterval(values, v => Percentiles.Of(v, 50));
        Assert.InRange(median.Upper, 3, 100);
        Assert.InRange(median.Lower, 1, 3);
        Assert.Equal("bootstrap-percentile", median.Method);
    }

    [Fact]
    public void One_value_has_no_interval_and_says_why()
    {
        var s = Statistics.Describe([4.2]);

        Assert.Equal(4.2, s.Mean);
        Assert.Null(s.Std);
        Assert.Null(s.Cv);
        Assert.Null(s.StudentT);
        Assert.Null(s.Bootstrap);
        Assert.Contains("at least 2", s.NoIntervalReason);
    }

    [Fact]
    public void Zero_mean_has_no_cv()
    {
        Assert.Null(Statistics.Describe([-1, 1]).Cv);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Statistics.Describe([]));
        Assert.Throws<ArgumentException>(() => Statistics.Describe([1, double.NaN]));
    }

    [Fact]
    public void Median_p5_and_p95_of_the_values_sit_beside_the_mean()
    {
        var s = Statistics.Describe([1, 2, 3, 4, 10]);
        Assert.Equal(3, s.Median);
        Assert.Equal(1.2, s.P5!.Value, 12);   // h = 4 × 0.05 = 0.2
        Assert.Equal(8.8, s.P95!.Value, 12);  // h = 3.8: 4 + 0.8 × 6
        Assert.Equal(4, s.Mean);
        var one = Statistics.Describe([7]);
        Assert.Equal(7, one.Median);
        Assert.Equal(7, one.P95);
    }
}
