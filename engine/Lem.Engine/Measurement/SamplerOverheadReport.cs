namespace Lem.Engine.Measurement;

/// <summary>CPU time and allocations the GPU sampler costs, against a baseline of the same duration without it.</summary>
public sealed record SamplerOverheadReport(
    double DurationS,
    double IntervalMs,
    int Gpus,
    int Samples,
    double BaselineCpuMs,
    double SamplerCpuMs,
    long AllocatedBytes,
    double? SamplerThreadCpuMs,
    long SamplerThreadAllocatedBytes,
    double? CounterSamplePeriodMs = null,
    double? CounterReadMs = null)
{
    /// <summary>Extra process CPU time per second of wall time (ms/s); 10 ms/s is 1% of one core.</summary>
    public double OverheadCpuMsPerS => (SamplerCpuMs - BaselineCpuMs) / DurationS;

    public double OverheadCpuUsPerSample => Samples == 0 ? double.NaN : (SamplerCpuMs - BaselineCpuMs) * 1000 / Samples;

    public double AllocatedBytesPerSample => Samples == 0 ? double.NaN : (double)AllocatedBytes / Samples;

    /// <summary>CPU time of the sampling thread alone per second of wall time (ms/s), free of other threads' noise.</summary>
    public double? SamplerThreadCpuMsPerS => SamplerThreadCpuMs / DurationS;

    public string Render()
    {
        var process = FormattableString.Invariant(
            $"sampler overhead: {Samples} samples of {Gpus} GPU(s) at {IntervalMs:F0} ms over {DurationS:F1} s; process CPU {SamplerCpuMs:F1} ms vs {BaselineCpuMs:F1} ms idle baseline = {OverheadCpuMsPerS:F2} ms CPU per second ({OverheadCpuMsPerS / 10:F3}% of one core); process-wide allocations {AllocatedBytes} bytes; ");
        var thread = SamplerThreadCpuMs is { } t
            ? FormattableString.Invariant($"sampler thread alone: {t:F2} ms CPU = {SamplerThreadCpuMsPerS:F3} ms/s ({SamplerThreadCpuMsPerS / 10:F4}% of one core), {t * 1000 / Math.Max(1, Samples):F1} us per sample")
            : "sampler thread CPU time unavailable (not Linux)";
        var counter = CounterSamplePeriodMs is { } period && CounterReadMs is { } read
            ? FormattableString.Invariant($"; energy counter read every {period:F0} ms (one read {read:F3} ms, budget {Meters.Gpu.GpuSampler.CounterCpuBudget * 100:0.0#}% of one core per GPU)")
            : "";
        return process + thread + FormattableString.Invariant($", {SamplerThreadAllocatedBytes} bytes allocated by the sampler thread") + counter;
    }
}
