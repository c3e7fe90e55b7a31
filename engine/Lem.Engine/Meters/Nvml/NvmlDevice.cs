using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// One NVIDIA GPU through NVML. Whether it has an energy counter (Volta and newer), instant power and MIG mode is read
/// once, when it is opened. Readings convert NVML's units (mW, °C as integers) and allocate nothing.
/// </summary>
public sealed class NvmlDevice : IGpuDevice
{
    private readonly INvmlApi _api;
    private readonly nint _handle;

    public NvmlDevice(INvmlApi api, SelectedGpu gpu)
    {
        _api = api;
        _handle = gpu.Device.Handle;
        Selected = gpu;
        PartitionModeEnabled = api.GetMigMode(_handle, out var mig) == NvmlReturn.Success ? mig : null;
        HasEnergyCounter = api.GetTotalEnergyConsumption(_handle, out _) == NvmlReturn.Success;
        HasInstantPower = api.GetInstantPower(_handle, out _) == NvmlReturn.Success;
    }

    /// <summary>The NVML device and how the experiment named it.</summary>
    public SelectedGpu Selected { get; }

    public string Label => Selected.Label;
    public string Name => Selected.Device.Name;
    public string Uuid => Selected.Device.Uuid;
    public string PciBusId => Selected.Device.PciBusId;
    public string? PartitionInstance => Selected.MigInstance;
    public bool? PartitionModeEnabled { get; }
    public bool IsPartitioned => PartitionInstance is not null || PartitionModeEnabled == true;
    public bool HasEnergyCounter { get; }
    public bool HasInstantPower { get; }

    public bool TryReadEnergyMj(out ulong energyMj) => _api.GetTotalEnergyConsumption(_handle, out energyMj) == NvmlReturn.Success;

    public bool TryReadAveragePowerW(out double watts) => Watts(_api.GetPowerUsage(_handle, out var mw), mw, out watts);

    public bool TryReadInstantPowerW(out double watts) => Watts(_api.GetInstantPower(_handle, out var mw), mw, out watts);

    public bool TryReadMemoryUsedBytes(out double bytes) => Value(_api.GetMemoryInfo(_handle, out _, out var used), used, out bytes);

    public bool TryReadUtilisation(out double smPercent, out double memoryPercent)
    {
        var ok = _api.GetUtilizationRates(_handle, out var gpu, out var memory) == NvmlReturn.Success;
        smPercent = ok ? gpu : double.NaN;
        memoryPercent = ok ? memory : double.NaN;
        return ok;
    }

    public bool TryReadTemperatureC(out double celsius) => Value(_api.GetTemperature(_handle, out var t), t, out celsius);

    public bool TryReadSmClockMhz(out double mhz) => Value(_api.GetClock(_handle, NvmlClockType.Sm, out var c), c, out mhz);

    public bool TryReadMemoryClockMhz(out double mhz) => Value(_api.GetClock(_handle, NvmlClockType.Memory, out var c), c, out mhz);

    /// <remarks><see cref="GpuThrottleReasons"/> uses NVML's bit values, so the mask converts as it is.</remarks>
    public bool TryReadThrottleReasons(out GpuThrottleReasons reasons)
    {
        var ok = _api.GetCurrentClocksEventReasons(_handle, out var raw) == NvmlReturn.Success;
        reasons = ok ? (GpuThrottleReasons)raw : GpuThrottleReasons.None;
        return ok;
    }

    public double? ReadPowerLimitW() => _api.GetPowerManagementLimit(_handle, out var mw) == NvmlReturn.Success ? mw / 1000.0 : null;

    public bool? ReadPersistenceMode() => _api.GetPersistenceMode(_handle, out var on) == NvmlReturn.Success ? on : null;

    private static bool Watts(NvmlReturn result, uint milliwatts, out double watts) => Value(result, milliwatts / 1000.0, out watts);

    private static bool Value(NvmlReturn result, double value, out double converted)
    {
        var ok = result == NvmlReturn.Success;
        converted = ok ? value : double.NaN;
        return ok;
    }
}
