using System.Globalization;

namespace Lem.Engine.Measurement;

/// <summary>CPU time and allocations the GPU sampler costs, against a baseline of the same duration without it.</summary>
public sealed record SamplerOverheadReport(
    double DurationS,
    double IntervalMs,
    int Gpus,
    int Samples,
    double BaselineCpuMs,
    double SamplerCpuMs,
    long AllocatedBytes)
{
    /// <summary>Extra process CPU time per second of wall time (ms/s); 10 ms/s is 1% of one core.</summary>
    public double OverheadCpuMsPerS => (SamplerCpuMs - BaselineCpuMs) / DurationS;

    public double OverheadCpuUsPerSample => Samples == 0 ? double.NaN : (SamplerCpuMs - BaselineCpuMs) * 1000 / Samples;

    public double AllocatedBytesPerSample => Samples == 0 ? double.NaN : (double)AllocatedBytes / Samples;

    public string Render() => string.Create(CultureInfo.InvariantCulture,
        $"sampler overhead: {Samples} samples of {Gpus} GPU(s) at {IntervalMs:F0} ms over {DurationS:F1} s; "
        + $"process CPU {SamplerCpuMs:F1} ms vs {BaselineCpuMs:F1} ms idle baseline = {OverheadCpuMsPerS:F2} ms CPU per second "
        + $"({OverheadCpuMsPerS / 10:F3}% of one core), {OverheadCpuUsPerSample:F1} us per sample; "
        + $"allocated {AllocatedBytes} bytes ({AllocatedBytesPerSample:F1} per sample)");
}
