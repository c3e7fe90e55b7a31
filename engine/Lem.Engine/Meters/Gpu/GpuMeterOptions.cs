namespace Lem.Engine.Meters.Gpu;

/// <summary>Settings of the GPU meter.</summary>
/// <param name="Devices">Devices the experiment uses: <c>cuda:0</c>, <c>cuda:1</c>, <c>GPU-...</c> UUIDs, PCI bus ids.</param>
/// <param name="SampleInterval">Background sampler period (default 100 ms); null or zero turns the sampler off.</param>
/// <param name="KeepTimeSeries">Return the sampled series with each window.</param>
/// <param name="Environment">Reads the environment variables the experiment runs with, by which the platform maps
/// devices (for NVIDIA CUDA_VISIBLE_DEVICES and CUDA_DEVICE_ORDER); null: none is set.</param>
public sealed record GpuMeterOptions(
    IReadOnlyList<string> Devices,
    TimeSpan? SampleInterval,
    bool KeepTimeSeries = false,
    Func<string, string?>? Environment = null)
{
    public static TimeSpan DefaultSampleInterval { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Poll interval of the update-period probe at start-up.</summary>
    public TimeSpan ProbePollInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Counter changes the probe waits for.</summary>
    public int ProbeChanges { get; init; } = 5;

    /// <summary>Upper bound on the probe's duration per GPU.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Windows spanning fewer counter updates than this are flagged low-confidence.</summary>
    public double LowConfidenceUpdates { get; init; } = 10;
}
