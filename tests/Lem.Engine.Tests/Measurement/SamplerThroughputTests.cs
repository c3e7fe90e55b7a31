using Lem.Engine.Measurement;
using Lem.Engine.Tests.Meters;
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

    /// <summary>A fake workload on the manual clock: it takes exactly the time asked for and does the work given.</summary>
    private static Func<TimeSpan, double> FakeWorkload(ManualClock clock, Func<int, double> workPerSInCall)
    {
        var call = 0;
        return d =>
        {
            clock.Advance(d);
            return workPerSInCall(call++) * d.TotalSeconds;
        };
    }

    [Fact]
    public void Rounds_are_timed_with_and_without_the_sampler()
    {
        // a slow fake counter (2 ms a read) so that the sampler does real work in the B rounds
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock, new FakeGpu("GPU-a", "00000000:1B:00.0") { CounterReadDelay = TimeSpan.FromMilliseconds(2) });
        var report = SamplerOverheadBenchmark.CompareThroughput(nvml.Platforms(), FakeWorkload(clock, call => 100 + call % 2), "fake decode", "tokens", Short, clock);
        output.WriteLine(report.Render());

        Assert.Equal([false, true, true, false], report.Rounds.Select(r => r.SamplerOn));
        Assert.All(report.Rounds, r =>
        {
            // exactly the workload's time: the slow counter is read by the sampler's first sample, before the round is
            // timed, and then only every fifth 100 ms sample (none within 250 ms)
            Assert.Equal(0.25, r.DurationS, 9);
            Assert.Equal(r.Work / r.DurationS, r.WorkPerS, 9);
        });
        Assert.Equal([101, 100, 101, 100], report.Rounds.Select(r => Math.Round(r.WorkPerS, 9))); // calls 1-4 (0 is the warm-up)
        Assert.Equal(2, report.Without.Count);
        Assert.Equal(2, report.With.Count);
        Assert.Equal((report.Test.MeanB - report.Test.MeanA) / report.Test.MeanA * 100, report.DifferencePercent, 9);
        Assert.Equal(report.Test.DifferenceInterval.Lower <= 0 && report.Test.DifferenceInterval.Upper >= 0, report.WithinNoise);
        Assert.Equal(500, report.CounterSamplePeriodMs); // 2 ms per read against 0.4 ms allowed per 100 ms sample: every fifth
        Assert.Null(report.SamplerThreadCpuMsPerS);       // the manual clock's loop has no thread of its own
        var text = report.Render();
        Assert.Contains("order ABBA", text);
        Assert.Contains("tokens/s", text);
        Assert.Contains("noise", text);
        Assert.Equal(1, nvml.ShutdownCalls);
    }

    [Fact]
    public void A_workload_slowed_only_while_the_sampler_runs_is_reported_outside_the_noise()
    {
        // 100 units/s without the sampler, 90 with it, and 0.1-0.2% of jitter; call 0 is the warm-up
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock, new FakeGpu("GPU-a", "00000000:1B:00.0"));
        var workload = FakeWorkload(clock, call => (call > 0 && SamplerOverheadBenchmark.SamplerOnInRound(call - 1) ? 90 : 100) * (1 + 0.001 * ((call + 1) % 3)));
        var report = SamplerOverheadBenchmark.CompareThroughput(nvml.Platforms(), workload, "fake", "units",
            Short with { Rounds = 8, RoundDuration = TimeSpan.FromMilliseconds(50) }, clock);
        output.WriteLine(report.Render());
        // A rounds (1, 4, 5, 8) average 100.1 units/s, B rounds (2, 3, 6, 7) 90.09: exactly 10% slower
        Assert.Equal(-10, report.DifferencePercent, 9);
        Assert.False(report.WithinNoise);
        Assert.Contains("outside the rounds' noise", report.Render());
    }

    [Fact]
    public void An_odd_or_too_small_number_of_rounds_is_refused()
    {
        var nvml = new FakeNvml(new ManualClock(), new FakeGpu("GPU-a", "00000000:1B:00.0"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerOverheadBenchmark.CompareThroughput(nvml.Platforms(), d => 1, "x", "u", Short with { Rounds = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerOverheadBenchmark.CompareThroughput(nvml.Platforms(), d => 1, "x", "u", Short with { Rounds = 2 }));
    }
}
