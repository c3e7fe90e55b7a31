using Lem.Engine.Metrics;

namespace Lem.Engine.Tests.Metrics;

public class WelchTestTests
{
    [Fact]
    public void Equal_variances_reduce_to_the_textbook_case()
    {
        // means 11 and 14, variances 1 and 1, n = 3 each: se = √(2/3), t = 3.674, df = 4, p = 0.0213
        var r = WelchTest.Compare([10, 11, 12], [13, 14, 15]);
        Assert.Equal(3, r.Difference, 12);
        Assert.Equal(Math.Sqrt(2.0 / 3), r.StandardError, 12);
        Assert.Equal(3.6742346, r.T, 6);
        Assert.Equal(4, r.DegreesOfFreedom, 9);
        Assert.Equal(0.021312, r.PValue, 5);
        // t(0.975, 4) = 2.7764
        Assert.Equal(3 - 2.776445 * r.StandardError, r.DifferenceInterval.Lower, 5);
        Assert.Equal(3 + 2.776445 * r.StandardError, r.DifferenceInterval.Upper, 5);
    }

    [Fact]
    public void Unequal_variances_and_sizes_use_welch_satterthwaite_degrees_of_freedom()
    {
        var r = WelchTest.Compare([1, 2, 3, 4], [2, 4, 6, 8, 10]);
        Assert.Equal(3.5, r.Difference, 12);
        Assert.Equal(2.2514364, r.T, 6);
        Assert.Equal(5.5207877, r.DegreesOfFreedom, 6);
        Assert.Equal(0.069133, r.PValue, 5);
        Assert.True(r.DifferenceInterval.Lower < 0 && r.DifferenceInterval.Upper > 0);
    }

    [Fact]
    public void Identical_constant_samples_do_not_differ_and_distinct_constant_samples_do()
    {
        var same = WelchTest.Compare([5, 5], [5, 5, 5]);
        Assert.Equal((0.0, 1.0), (same.T, same.PValue));
        var apart = WelchTest.Compare([5, 5], [6, 6]);
        Assert.Equal(double.PositiveInfinity, apart.T);
        Assert.Equal(0, apart.PValue);
        Assert.Throws<ArgumentException>(() => WelchTest.Compare([1], [1, 2]));
    }
}
