using Lem.Engine.Meters;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Measurement;

/// <summary>
/// Measures what the GPU sampler costs: process CPU time over <c>duration</c> with the sampler running at
/// <c>interval</c>, minus the CPU time of the same duration without it; and bytes allocated while sampling.
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

            var baselineStart = Environment.CpuUsage.TotalTime;
            Thread.Sleep(duration);
            var baselineMs = (Environment.CpuUsage.TotalTime - baselineStart).TotalMilliseconds;

            using var sampler = new NvmlSampler(api, devices.Select(d => d.Handle).ToArray(), MeterClock.System, interval);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var samplerStart = Environment.CpuUsage.TotalTime;
            sampler.Start();
            Thread.Sleep(duration);
            sampler.Stop();
            var samplerMs = (Environment.CpuUsage.TotalTime - samplerStart).TotalMilliseconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            return new SamplerOverheadReport(duration.TotalSeconds, interval.TotalMilliseconds, devices.Count,
                sampler.Buffers[0].Count, baselineMs, samplerMs, allocated);
        }
        finally
        {
            api.Shutdown();
        }
    }
}
