namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// The NVML calls the meter uses, one method per native function, returning NVML's status. <see cref="NvmlApi"/> calls
/// libnvidia-ml.so.1; tests pass a fake. Device handles are opaque. Methods called by the sampler allocate nothing.
/// <see cref="NvmlPlatform"/> puts it behind the vendor-neutral GPU layer.
/// </summary>
public interface INvmlApi
{
    NvmlReturn Init();
    NvmlReturn Shutdown();
    string ErrorString(NvmlReturn result);
    NvmlReturn GetDriverVersion(out string version);
    /// <summary>CUDA driver version as NVML encodes it (1000 × major + 10 × minor, for example 13000).</summary>
    NvmlReturn GetCudaDriverVersion(out int version);
    NvmlReturn GetDeviceCount(out uint count);
    NvmlReturn GetHandleByIndex(uint index, out nint device);
    NvmlReturn GetHandleByUuid(string uuid, out nint device);
    NvmlReturn GetHandleByPciBusId(string pciBusId, out nint device);
    NvmlReturn GetName(nint device, out string name);
    NvmlReturn GetUuid(nint device, out string uuid);
    /// <summary>PCI bus id in NVML's form <c>00000000:1B:00.0</c>.</summary>
    NvmlReturn GetPciBusId(nint device, out string pciBusId);
    /// <summary>Total energy since the driver was loaded, millijoules (Volta and newer).</summary>
    NvmlReturn GetTotalEnergyConsumption(nint device, out ulong energyMj);
    /// <summary>nvmlDeviceGetPowerUsage: milliwatts; a one-second average on Ampere and newer.</summary>
    NvmlReturn GetPowerUsage(nint device, out uint powerMw);
    /// <summary>nvmlDeviceGetFieldValues with NVML_FI_DEV_POWER_INSTANT (186): milliwatts.</summary>
    NvmlReturn GetInstantPower(nint device, out uint powerMw);
    NvmlReturn GetMemoryInfo(nint device, out ulong totalBytes, out ulong usedBytes);
    NvmlReturn GetUtilizationRates(nint device, out uint gpuPercent, out uint memoryPercent);
    /// <summary>GPU core temperature, °C (NVML_TEMPERATURE_GPU).</summary>
    NvmlReturn GetTemperature(nint device, out uint celsius);
    NvmlReturn GetClock(nint device, NvmlClockType type, out uint mhz);
    NvmlReturn GetPowerManagementLimit(nint device, out uint limitMw);
    NvmlReturn GetPersistenceMode(nint device, out bool enabled);
    /// <summary>nvmlDeviceGetCurrentClocksEventReasons (older drivers: ...ThrottleReasons): a bit mask of nvmlClocksEventReason* values (the values of <see cref="Gpu.GpuThrottleReasons"/>).</summary>
    NvmlReturn GetCurrentClocksEventReasons(nint device, out ulong reasons);
    NvmlReturn GetMigMode(nint device, out bool currentEnabled);
}
