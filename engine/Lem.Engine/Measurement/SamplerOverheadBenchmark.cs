using Lem.Engine.Meters;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Measurement;

/// <summary>
/// Measures what the GPU sampler costs: process CPU time over <c>duration</c> with the sampler running at
/// <c>interval</c>, minus the mean CPU time of the same duration without it just before and just after; and bytes allocated while sampling. The
/// process figure includes every other thread of the process (noisy inside a test host); the sampler thread's own CPU
/// time and allocations are reported beside it.
/// Callable from the CLI or a device script with the real <see cref="NvmlApi"/>.
/// </summary>
public static class SamplerOverheadBenchmark
{
    public static SamplerOverheadReport Run(INvmlApi api, TimeSpan duration, TimeSpan interval)
    {
        var init = api.Init();
        if (init != NvmlReturn.Success) throw new InvalidOperationException($"nvmlInit failed: {api.ErrorString(init)}; the sampler benchmark needs NVML.");
        try
        {
            var errors = new List<string>();
            var devices = GpuDeviceSelector.Enumerate(api, errors);
            if (devices.Count == 0) throw new InvalidOperationException("NVML lists no GPU; nothing to sample. " + string.Join(" ", errors));

            using var sampler = new NvmlSampler(api, devices.Select(d => d.Handle).ToArray(), MeterClock.System, interval);
            // Warm-up: compile the sampling path before anything is timed.
            sampler.Start();
            Thread.Sleep(interval * 3);
            sampler.Stop();

            // Baselines before and after the sampled period absorb background work that drifts over time (JIT tiering, GC).
            var before = IdleCpuMs(duration);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var samplerStart = Environment.CpuUsage.TotalTime;
            sampler.Start();
            Thread.Sleep(duration);
            sampler.Stop();
            var samplerMs = (Environment.CpuUsage.TotalTime - samplerStart).TotalMilliseconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var after = IdleCpuMs(duration);
            var baselineMs = (before + after) / 2;

            return new SamplerOverheadReport(duration.TotalSeconds, interval.TotalMilliseconds, devices.Count,
                sampler.Buffers[0].Count, baselineMs, samplerMs, allocated,
                sampler.LastRunThreadCpuS * 1000, sampler.LastRunThreadAllocatedBytes);
        }
        finally
        {
            api.Shutdown();
        }
    }

    private static double IdleCpuMs(TimeSpan duration)
    {
        var start = Environment.CpuUsage.TotalTime;
        Thread.Sleep(duration);
        return (Environment.CpuUsage.TotalTime - start).TotalMilliseconds;
    }
}
