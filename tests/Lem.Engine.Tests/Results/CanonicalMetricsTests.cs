using Percentiles = Lem.Engine.Metrics.Percentiles;
using Lem.Engine.Meters;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

public class CanonicalMetricsTests
{
    [Fact]
    public void Finish_derives_throughput_and_canonical_metrics_from_the_sections()
    {
        // 10 s window, 4 requests, 400 prompt + 200 output tokens, GPU 1000 J + CPU 50 J, TTFT 10..13 ms.
        var m = Samples.Raw("r").Metrics;

        Assert.Equal(10, m[MetricNames.WindowDurationS]);
        Assert.Equal(600, m[MetricNames.TotalTokens]);
        Assert.Equal(20, m[MetricNames.OutputTokensPerS], 12);
        Assert.Equal(60, m[MetricNames.TotalTokensPerS], 12);
        Assert.Equal(0.4, m[MetricNames.RequestsPerS], 12);
        Assert.Equal(1050, m[MetricNames.EnergyTotalJ], 12);
        Assert.Equal(5.25, m[MetricNames.EnergyPerOutputTokenJ], 12);
        Assert.Equal(1.75, m[MetricNames.EnergyPerTokenJ], 12);
        Assert.Equal(262.5, m[MetricNames.EnergyPerRequestJ], 12);
        Assert.Equal(5, m[MetricNames.EnergyGpuPerOutputTokenJ], 12);
        Assert.Equal(105, m[MetricNames.AvgPowerW], 12);
        Assert.Equal(11.5, m["ttft_ms_p50"], 12);
        Assert.Equal(11.5, m["ttft_ms_mean"], 12);
        Assert.Equal(1.5e10, m[MetricNames.FlopsPerOutputToken], 0);
        Assert.Equal(1_235_814_400, m[MetricNames.ModelParameters]);
        Assert.Equal(60, m["gpu0_max_temperature_c"]);
        Assert.False(m.ContainsKey(MetricNames.EnergyRamJ));
        Assert.False(m.ContainsKey(MetricNames.Co2G));
    }

    [Fact]
    public void A_meter_metric_may_not_take_a_canonical_name()
    {
        var raw = Samples.Raw("r");
        var error = Assert.Throws<ArgumentException>(() => RecordMetrics.Finish(raw, new Dictionary<string, double> { [MetricNames.EnergyTotalJ] = 1 }));
        Assert.Contains("energy_total_j", error.Message);
    }

    [Fact]
    public void A_window_without_duration_gives_no_rates_rather_than_infinities()
    {
        var raw = Samples.Raw("r", durationS: 0);
        Assert.Null(raw.Throughput!.OutputTokensPerS);
        Assert.False(raw.Metrics.ContainsKey(MetricNames.OutputTokensPerS));
        Assert.False(raw.Metrics.ContainsKey(MetricNames.AvgPowerW));
    }

    [Fact]
    public void Canonical_names_are_unique_and_carry_units()
    {
        var names = MetricNames.Canonical.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(MetricNames.Canonical, c => Assert.Matches("^[a-z0-9_]+$", c.Name));
        Assert.Contains("energy_per_output_token_j", names);
        Assert.Contains("output_tokens_per_s", names);
        Assert.Contains("ttft_ms_p99", names);
    }

    [Fact]
    public void The_source_of_a_sum_is_its_least_trusted_part()
    {
        Assert.Equal(EnergySource.MeasuredCounter, EnergySourceText.Weakest([EnergySource.MeasuredCounter, EnergySource.MeasuredCounter]));
        Assert.Equal(EnergySource.MeasuredSamples, EnergySourceText.Weakest([EnergySource.MeasuredCounter, EnergySource.MeasuredSamples]));
        Assert.Equal(EnergySource.Estimated, EnergySourceText.Weakest([EnergySource.Estimated, EnergySource.MeasuredSamples]));
        Assert.Equal(EnergySource.Unavailable, EnergySourceText.Weakest([EnergySource.MeasuredCounter, EnergySource.Unavailable]));
        Assert.Equal(EnergySource.Unavailable, EnergySourceText.Weakest([]));
        Assert.Equal(["measured-counter", "measured-samples", "estimated", "unavailable"],
            Enum.GetValues<EnergySource>().Select(EnergySourceText.Of));
    }

    [Theory]
    [InlineData(new double[] { 5 }, 50, 5)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 50, 2.5)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0, 1)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 100, 4)]
    [InlineData(new double[] { 10, 20, 30, 40, 50 }, 90, 46)]
    public void Percentiles_interpolate_between_closest_ranks(double[] sorted, double percent, double expected) =>
        Assert.Equal(expected, Percentiles.OfSorted(sorted, percent), 12);
}
