namespace Lem.Engine.Meters.Nvml;

/// <summary>Settings of the NVML meter.</summary>
/// <param name="Devices">Devices the experiment uses: <c>cuda:0</c>, <c>cuda:1</c>, <c>GPU-...</c> UUIDs, PCI bus ids.</param>
/// <param name="SampleInterval">Background sampler period (default 100 ms); null or zero turns the sampler off.</param>
/// <param name="KeepTimeSeries">Return the sampled series with each window.</param>
/// <param name="CudaVisibleDevices">The value of CUDA_VISIBLE_DEVICES the experiment runs with (null: unset).</param>
/// <param name="CudaDeviceOrder">The value of CUDA_DEVICE_ORDER (null: unset, CUDA's FASTEST_FIRST).</param>
public sealed record NvmlMeterOptions(
    IReadOnlyList<string> Devices,
    TimeSpan? SampleInterval,
    bool KeepTimeSeries = false,
    string? CudaVisibleDevices = null,
    string? CudaDeviceOrder = null)
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
