using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Measurement;

/// <summary>Settings of <see cref="SamplerOverheadBenchmark.CompareThroughput"/>.</summary>
public sealed record ThroughputComparisonOptions
{
    /// <summary>Timed rounds, half with the sampler running; even, at least 4. Eight (ABBAABBA) cancel a linear drift exactly.</summary>
    public int Rounds { get; init; } = 8;

    public TimeSpan RoundDuration { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>One untimed round first, with the sampler running: JIT, allocator, GPU clocks settle.</summary>
    public TimeSpan WarmupDuration { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan SampleInterval { get; init; } = GpuMeterOptions.DefaultSampleInterval;

    /// <summary>Confidence level of the difference's interval; the difference is within the noise when it contains 0.</summary>
    public double Level { get; init; } = 0.95;
}
