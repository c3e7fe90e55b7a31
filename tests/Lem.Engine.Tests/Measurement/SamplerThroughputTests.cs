using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Tests.Meters.Nvml;
using Xunit.Abstractions;

namespace Lem.Engine.Tests.Measurement;

public class SamplerThroughputTests(ITestOutputHelper output)
{
    private static readonly ThroughputComparisonOptions Short = new()
    {
        Rounds = 4,
        RoundDuration = TimeSpan.FromMilliseconds(250),
        WarmupDuration = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public void Rounds_alternate_abba_so_that_a_linear_drift_cancels()
    {
        var order = Enumerable.Range(0, 8).Select(SamplerOverheadBenchmark.SamplerOnInRound).ToArray();
        Assert.Equal([false, true, true, false, false, true, true, false], order);
        Assert.Equal(Enumerable.Range(0, 8).Where(i => !order[i]).Average(), Enumerable.Range(0, 8).Where(i => order[i]).Average());
    }

    [Fact]
    public void A_cpu_inference_like_load_is_timed_with_and_without_the_sampler()
    {
        // a slow fake counter (2 ms a read) so that the sampler does real work in the B rounds
        var nvml = new FakeNvml(MeterClock.System, new FakeGpu("GPU-a", "00000000:1B:00.0") { CounterReadDelay = TimeSpan.FromMilliseconds(2) });
        var load = new CpuInferenceLoad(hiddenSize: 128, layers: 4);
        var report = SamplerOverheadBenchmark.CompareThroughput(nvml, load.RunFor, load.Describe(), load.Unit, Short);
        output.WriteLine(report.Render());

        Assert.Equal([false, true, true, false], report.Rounds.Select(r => r.SamplerOn));
        Assert.All(report.Rounds, r =>
        {
            Assert.InRange(r.DurationS, 0.25, 5);
            Assert.True(r.Work > 0);
            Assert.Equal(r.Work / r.DurationS, r.WorkPerS, 9);
        });
        Assert.Equal(2, report.Without.Count);
        Assert.Equal(2, report.With.Count);
        Assert.Equal((report.Test.MeanB - report.Test.MeanA) / report.Test.MeanA * 100, report.DifferencePercent, 9);
        Assert.Equal(report.Test.DifferenceInterval.Lower <= 0 && report.Test.DifferenceInterval.Upper >= 0, report.WithinNoise);
        Assert.InRange(report.CounterSamplePeriodMs, 500, 5000); // 2 ms per read: every fifth 100 ms sample, or later when slowed
        if (OperatingSystem.IsLinux()) Assert.True(report.SamplerThreadCpuMsPerS >= 0);
        var text = report.Render();
        Assert.Contains("order ABBA", text);
        Assert.Contains("tokens/s", text);
        Assert.Contains("noise", text);
        Assert.Equal(1, nvml.ShutdownCalls);
    }

    [Fact]
    public void A_workload_slowed_only_while_the_sampler_runs_is_reported_outside_the_noise()
    {
        // a deterministic fake workload: 100 units/s without the sampler, 90 with it (read from the sampler's own thread)
        var nvml = new FakeNvml(MeterClock.System, new FakeGpu("GPU-a", "00000000:1B:00.0"));
        var round = 0;
        double Workload(TimeSpan d)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            Thread.Sleep(d);
            var on = round++ > 0 && SamplerOverheadBenchmark.SamplerOnInRound(round - 2); // the first call is the warm-up
            return (on ? 90 : 100) * stopwatch.Elapsed.TotalSeconds * (1 + 0.001 * (round % 3)); // 0.1-0.2% jitter
        }
        var report = SamplerOverheadBenchmark.CompareThroughput(nvml, Workload, "fake", "units",
            Short with { Rounds = 8, RoundDuration = TimeSpan.FromMilliseconds(50) });
        output.WriteLine(report.Render());
        Assert.InRange(report.DifferencePercent, -12, -8);
        Assert.False(report.WithinNoise);
        Assert.Contains("outside the rounds' noise", report.Render());
    }

    [Fact]
    public void An_odd_or_too_small_number_of_rounds_is_refused()
    {
        var nvml = new FakeNvml(MeterClock.System, new FakeGpu("GPU-a", "00000000:1B:00.0"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerOverheadBenchmark.CompareThroughput(nvml, d => 1, "x", "u", Short with { Rounds = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerOverheadBenchmark.CompareThroughput(nvml, d => 1, "x", "u", Short with { Rounds = 2 }));
    }
}
