using Lem.Engine.Config;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Tests.Workload;

public class ArrivalScheduleTests
{
    private const int Draws = 20_000;

    private static double[] Gaps(TrafficConfig options)
    {
        var times = ArrivalSchedule.Generate(options, Draws + 1);
        return times.Skip(1).Zip(times, (later, earlier) => later - earlier).ToArray();
    }

    private static (double Mean, double Cv) MeanAndCv(double[] gaps)
    {
        var mean = gaps.Average();
        var std = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1));
        return (mean, std / mean);
    }

    [Fact]
    public void None_puts_every_arrival_at_zero()
    {
        Assert.All(ArrivalSchedule.Generate(TrafficConfig.None, 10), t => Assert.Equal(0, t));
    }

    [Fact]
    public void Constant_spaces_arrivals_by_one_over_qps_from_zero()
    {
        var times = ArrivalSchedule.Generate(new TrafficConfig(TrafficMode.Constant, Qps: 4), 5);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0], times.Select(t => Math.Round(t, 12)));
    }

    [Theory]
    [InlineData(10.0, 1L)]
    [InlineData(250.0, 42L)]
    public void Poisson_gaps_are_exponential_with_mean_one_over_qps(double qps, long seed)
    {
        var gaps = Gaps(new TrafficConfig(TrafficMode.Poisson, qps, Seed: seed));
        var (mean, cv) = MeanAndCv(gaps);

        Assert.InRange(mean, 0.98 / qps, 1.02 / qps);
        Assert.InRange(cv, 0.97, 1.03);
        // Kolmogorov–Smirnov distance to the exponential CDF; the 1% critical value at n = 20,000 is 1.63/√n ≈ 0.0115
        Array.Sort(gaps);
        var ks = 0.0;
        for (var i = 0; i < gaps.Length; i++)
        {
            var cdf = 1 - Math.Exp(-qps * gaps[i]);
            ks = Math.Max(ks, Math.Max((i + 1.0) / gaps.Length - cdf, cdf - (double)i / gaps.Length));
        }
        Assert.True(ks < 0.0115, $"KS statistic {ks:F4}");
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void Poisson_gaps_with_burstiness_k_have_mean_one_over_qps_and_cv_one_over_root_k(double burstiness)
    {
        const double qps = 20;
        var (mean, cv) = MeanAndCv(Gaps(new TrafficConfig(TrafficMode.Poisson, qps, Seed: 3, Burstiness: burstiness)));

        Assert.InRange(mean, 0.98 / qps, 1.02 / qps);
        var expectedCv = 1 / Math.Sqrt(burstiness);
        Assert.InRange(cv, expectedCv * 0.95, expectedCv * 1.05);
    }

    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        var options = new TrafficConfig(TrafficMode.Poisson, 5, Seed: 8);
        Assert.Equal(ArrivalSchedule.Generate(options, 100), ArrivalSchedule.Generate(options, 100));
        Assert.NotEqual(ArrivalSchedule.Generate(options, 100), ArrivalSchedule.Generate(options with { Seed = 9 }, 100));
    }

    [Fact]
    public void Arrivals_never_go_back_in_time()
    {
        var times = ArrivalSchedule.Generate(new TrafficConfig(TrafficMode.Poisson, 100, Burstiness: 0.2), 5000);
        Assert.Equal(0, times[0]);
        for (var i = 1; i < times.Length; i++) Assert.True(times[i] >= times[i - 1]);
    }

    [Theory]
    [InlineData(TrafficMode.Poisson, 0.0, 1.0, "traffic.qps")]
    [InlineData(TrafficMode.Constant, -1.0, 1.0, "traffic.qps")]
    [InlineData(TrafficMode.Poisson, 1.0, 0.0, "traffic.burstiness")]
    public void Bad_rates_are_errors(TrafficMode mode, double qps, double burstiness, string parameter)
    {
        var e = Assert.Throws<WorkloadException>(() => ArrivalSchedule.Generate(new TrafficConfig(mode, qps, Burstiness: burstiness), 3));
        Assert.Equal(parameter, e.Parameter);
    }

    [Fact]
    public void Mode_names_parse()
    {
        Assert.Equal(TrafficMode.Poisson, ConfigWords.Parse<TrafficMode>("poisson"));
        Assert.Equal(TrafficMode.None, ConfigWords.Parse<TrafficMode>("none"));
        Assert.Throws<FormatException>(() => ConfigWords.Parse<TrafficMode>("bursty"));
    }
}
