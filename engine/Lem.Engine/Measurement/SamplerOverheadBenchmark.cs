using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Measurement;

/// <summary>
/// Measures what the GPU sampler costs: process CPU time over <c>duration</c> with the sampler running at
/// <c>interval</c>, minus the mean CPU time of the same duration without it just before and just after; and bytes allocated while sampling. The
/// process figure includes every other thread of the process (noisy inside a test host); the sampler thread's own CPU
/// time and allocations are reported beside it.
/// Callable from the CLI or a device script with <see cref="GpuPlatforms.Installed"/> and the system clock (the default); its
/// tests pass a fake platform and a manual clock.
/// </summary>
public static class SamplerOverheadBenchmark
{
    public static SamplerOverheadReport Run(IReadOnlyList<IGpuPlatform> gpuPlatforms, TimeSpan duration, TimeSpan interval, MeterClock? clock = null)
    {
        clock ??= MeterClock.System;
        var platform = StartPlatform(gpuPlatforms, "the sampler benchmark");
        try
        {
            var devices = AllGpus(platform);
            using var sampler = new GpuSampler(devices, clock, interval);
            // Warm-up: compile the sampling path before anything is timed.
            sampler.Start();
            clock.Sleep(interval * 3);
            sampler.Stop();

            // Baselines before and after the sampled period absorb background work that drifts over time (JIT tiering, GC).
            var before = IdleCpuMs(duration, clock);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var samplerStart = Environment.CpuUsage.TotalTime;
            sampler.Start();
            clock.Sleep(duration);
            sampler.Stop();
            var samplerMs = (Environment.CpuUsage.TotalTime - samplerStart).TotalMilliseconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var after = IdleCpuMs(duration, clock);
            var baselineMs = (before + after) / 2;

            return new SamplerOverheadReport(duration.TotalSeconds, interval.TotalMilliseconds, devices.Count,
                sampler.Buffers[0].Count, baselineMs, samplerMs, allocated,
                sampler.LastRunThreadCpuS * 1000, sampler.LastRunThreadAllocatedBytes,
                sampler.CounterSamplePeriod.TotalMilliseconds, sampler.CounterReadMs);
        }
        finally
        {
            platform.Shutdown();
        }
    }

    /// <summary>
    /// Runs <paramref name="workload"/> (a fixed load that works for about the duration given and returns the work
    /// done, e.g. GiB copied or tokens) in alternating rounds with and without the GPU sampler of every GPU running,
    /// after an untimed warm-up round. The order is ABBA ABBA… (A without, B with), which cancels a linear drift (GPU
    /// warming up, clocks settling) over each four rounds. Sampling every GPU, not only the one loaded, makes the
    /// comparison conservative.
    /// </summary>
    public static SamplerThroughputReport CompareThroughput(IReadOnlyList<IGpuPlatform> gpuPlatforms, Func<TimeSpan, double> workload, string workloadName, string unit,
        ThroughputComparisonOptions? options = null, MeterClock? clock = null)
    {
        clock ??= MeterClock.System;
        options ??= new ThroughputComparisonOptions();
        if (options.Rounds < 4 || options.Rounds % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Rounds, "The throughput comparison needs an even number of rounds, at least 4 (two with and two without the sampler).");
        var platform = StartPlatform(gpuPlatforms, "the throughput comparison");
        try
        {
            var devices = AllGpus(platform);
            using var sampler = new GpuSampler(devices, clock, options.SampleInterval);
            sampler.CalibrateCounterReads();

            sampler.Start();
            workload(options.WarmupDuration);
            sampler.Stop();

            var rounds = new List<ThroughputRound>();
            double? samplerCpuS = 0;
            var sampledS = 0.0;
            for (var i = 0; i < options.Rounds; i++)
            {
                var on = SamplerOnInRound(i);
                if (on) sampler.Start();
                var startedS = clock.NowS;
                var work = workload(options.RoundDuration);
                var elapsedS = clock.NowS - startedS;
                if (on)
                {
                    sampler.Stop();
                    samplerCpuS += sampler.LastRunThreadCpuS;
                    sampledS += elapsedS;
                }
                rounds.Add(new ThroughputRound(i + 1, on, elapsedS, work, work / elapsedS));
            }
            return new SamplerThroughputReport(workloadName, unit, devices.Count, options.SampleInterval.TotalMilliseconds,
                sampler.CounterSamplePeriod.TotalMilliseconds, rounds, samplerCpuS * 1000 / sampledS, options.Level);
        }
        finally
        {
            platform.Shutdown();
        }
    }

    private static IGpuPlatform StartPlatform(IReadOnlyList<IGpuPlatform> platforms, string what)
    {
        var start = GpuPlatformStart.First(platforms);
        return start.Started ?? throw new InvalidOperationException($"{start.Brief}; {what} needs {string.Join(" or ", platforms.Select(p => p.Terms.Library))}.");
    }

    private static IReadOnlyList<IGpuDevice> AllGpus(IGpuPlatform platform)
    {
        var opened = platform.Open(null, _ => null);
        if (opened.Devices.Count == 0)
            throw new InvalidOperationException($"{platform.Terms.Library} lists no GPU; nothing to sample. " + string.Join(" ", opened.Errors));
        return opened.Devices;
    }

    /// <summary>Round <paramref name="index"/> (0-based) of the order A B B A A B B A …: true for B, the sampler running.</summary>
    public static bool SamplerOnInRound(int index) => index % 4 is 1 or 2;

    private static double IdleCpuMs(TimeSpan duration, MeterClock clock)
    {
        var start = Environment.CpuUsage.TotalTime;
        clock.Sleep(duration);
        return (Environment.CpuUsage.TotalTime - start).TotalMilliseconds;
    }
}
