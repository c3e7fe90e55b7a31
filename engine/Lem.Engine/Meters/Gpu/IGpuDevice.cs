namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// One GPU an experiment meters, as a vendor's management library reports it. The meter and the sampler know GPUs only
/// through this interface. Readings return false when the library could not give the value (the out value is then NaN,
/// 0 or <see cref="GpuThrottleReasons.None"/>); the sampler calls them at up to 10 Hz, so implementations allocate
/// nothing in them.
/// </summary>
public interface IGpuDevice
{
    /// <summary>How results name the GPU: <c>gpu:0</c> is the experiment's device 0 (metric prefix <c>gpu0_</c>).</summary>
    string Label { get; }

    /// <summary>The product name, for example "NVIDIA H100 80GB HBM3" (also how the MFU/MBU peak table finds it).</summary>
    string Name { get; }

    string Uuid { get; }

    /// <summary>PCI bus id in the form <c>00000000:1B:00.0</c>.</summary>
    string PciBusId { get; }

    /// <summary>The partition of the GPU the experiment sees (a MIG instance), null when it sees the whole GPU.</summary>
    string? PartitionInstance { get; }

    /// <summary>Whether the GPU's partitioning mode (MIG) is on; null when the library cannot say.</summary>
    bool? PartitionModeEnabled { get; }

    /// <summary>
    /// The GPU is partitioned (a partition is seen, or the mode is on): the library reports energy only for the whole
    /// GPU, so there is no per-instance energy.
    /// </summary>
    bool IsPartitioned { get; }

    /// <summary>The GPU has a cumulative energy counter (<see cref="TryReadEnergyMj"/> works); without one, energy comes
    /// from integrated power samples.</summary>
    bool HasEnergyCounter { get; }

    /// <summary>The GPU reports instant (unaveraged) power (<see cref="TryReadInstantPowerW"/> works).</summary>
    bool HasInstantPower { get; }

    /// <summary>Total energy since the driver was loaded, millijoules.</summary>
    bool TryReadEnergyMj(out ulong energyMj);

    /// <summary>Power as the library averages it (NVML: a one-second average on Ampere and newer), watts.</summary>
    bool TryReadAveragePowerW(out double watts);

    /// <summary>Instant power, watts.</summary>
    bool TryReadInstantPowerW(out double watts);

    bool TryReadMemoryUsedBytes(out double bytes);

    bool TryReadUtilisation(out double smPercent, out double memoryPercent);

    /// <summary>GPU core temperature, °C.</summary>
    bool TryReadTemperatureC(out double celsius);

    bool TryReadSmClockMhz(out double mhz);

    bool TryReadMemoryClockMhz(out double mhz);

    /// <summary>Why the clocks are held below their maximum now, as vendor-neutral reasons (not yet masked).</summary>
    bool TryReadThrottleReasons(out GpuThrottleReasons reasons);

    /// <summary>The enforced power limit, watts; null when unknown.</summary>
    double? ReadPowerLimitW();

    /// <summary>Whether the driver keeps the GPU initialised without a client (persistence mode); null when unknown.</summary>
    bool? ReadPersistenceMode();
}
