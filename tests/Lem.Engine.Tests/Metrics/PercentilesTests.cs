using Lem.Engine.Metrics;

namespace Lem.Engine.Tests.Metrics;

public class PercentilesTests
{
    // hand-computed with rank h = (n − 1)·q/100 and linear interpolation (numpy.percentile's default)
    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 50, 2.5)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 90, 3.7)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 99, 3.97)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0, 1.0)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 100, 4.0)]
    [InlineData(new[] { 15.0, 20, 35, 40, 50 }, 40, 29.0)]
    [InlineData(new[] { 50.0, 15, 40, 20, 35 }, 95, 48.0)]
    [InlineData(new[] { 7.0 }, 99, 7.0)]
    [InlineData(new[] { 10.0, 20 }, 95, 19.5)]
    public void Linear_interpolation_between_closest_ranks(double[] values, double percent, double expected)
    {
        Assert.Equal(expected, Percentiles.Of(values, percent), 10);
    }

    [Fact]
    public void Summary_of_ten_values()
    {
        var summary = LatencySummary.Of([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])!;

        Assert.Equal(5.5, summary.Mean, 12);
        Assert.Equal(5.5, summary.P50, 12);
        Assert.Equal(9.1, summary.P90, 12);   // h = 8.1
        Assert.Equal(9.55, summary.P95, 12);  // h = 8.55
        Assert.Equal(9.91, summary.P99, 12);  // h = 8.91
        Assert.Equal(1, summary.Min);
        Assert.Equal(10, summary.Max);
        Assert.Equal(10, summary.Count);
    }

    [Fact]
    public void No_samples_give_no_summary()
    {
        Assert.Null(LatencySummary.Of([]));
    }

    [Fact]
    public void Out_of_range_percent_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 101));
        Assert.Throws<ArgumentException>(() => Percentiles.Of([], 50));
    }
}
