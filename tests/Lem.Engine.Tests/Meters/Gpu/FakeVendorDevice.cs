using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Tests.Meters.Gpu;

/// <summary>
/// A GPU of a made-up second vendor ("fakesmi"), written against <see cref="IGpuDevice"/> alone: constant power
/// (settable), an energy counter kept in microjoules that advances every <see cref="UpdatePeriodS"/>, no instant power,
/// and throttling reported in the vendor's own status bits.
/// </summary>
public sealed class FakeVendorDevice(MeterClock clock, string label, string uuid, string pciBusId) : IGpuDevice
{
    /// <summary>The vendor's own throttle status bits, translated to <see cref="GpuThrottleReasons"/> when read.</summary>
    [Flags]
    public enum Status { None = 0, PackagePowerTracking = 0x100, ThermalLimit = 0x200, Idle = 0x400 }

    private double _energyUj = 5_000_000_000;
    private double _sinceS = clock.NowS;

    public string Label { get; } = label;
    public string Name { get; init; } = "Fake Accelerator 300X";
    public string Uuid { get; } = uuid;
    public string PciBusId { get; } = pciBusId;
    public string? PartitionInstance { get; set; }
    public bool? PartitionModeEnabled { get; set; } = false;
    public bool IsPartitioned => PartitionInstance is not null || PartitionModeEnabled == true;
    public bool HasEnergyCounter { get; set; } = true;
    public bool HasInstantPower => false;

    public double PowerW { get; private set; } = 500;
    public double UpdatePeriodS { get; set; } = 0.1;
    public Status VendorStatus { get; set; }
    public double TemperatureC { get; set; } = 55;

    /// <summary>Calls of <see cref="TryReadInstantPowerW"/>: the sampler must make none, the device has no instant power.</summary>
    public int InstantPowerCalls { get; private set; }

    public void SetPower(double watts)
    {
        _energyUj += PowerW * (clock.NowS - _sinceS) * 1e6;
        _sinceS = clock.NowS;
        PowerW = watts;
    }

    public bool TryReadEnergyMj(out ulong energyMj)
    {
        var updatedS = Math.Max(_sinceS, Math.Floor(clock.NowS / UpdatePeriodS) * UpdatePeriodS);
        energyMj = (ulong)((_energyUj + PowerW * (updatedS - _sinceS) * 1e6) / 1000);
        return HasEnergyCounter;
    }

    public bool TryReadAveragePowerW(out double watts)
    {
        watts = PowerW;
        return true;
    }

    public bool TryReadInstantPowerW(out double watts)
    {
        InstantPowerCalls++;
        watts = double.NaN;
        return false;
    }

    public bool TryReadMemoryUsedBytes(out double bytes)
    {
        bytes = 64.0 * (1 << 30);
        return true;
    }

    public bool TryReadUtilisation(out double smPercent, out double memoryPercent)
    {
        (smPercent, memoryPercent) = (70, 30);
        return true;
    }

    public bool TryReadTemperatureC(out double celsius)
    {
        celsius = TemperatureC;
        return true;
    }

    public bool TryReadSmClockMhz(out double mhz)
    {
        mhz = 2100;
        return true;
    }

    public bool TryReadMemoryClockMhz(out double mhz)
    {
        mhz = double.NaN;
        return false;
    }

    public bool TryReadThrottleReasons(out GpuThrottleReasons reasons)
    {
        reasons = GpuThrottleReasons.None;
        if ((VendorStatus & Status.PackagePowerTracking) != 0) reasons |= GpuThrottleReasons.SoftwarePowerCap;
        if ((VendorStatus & Status.ThermalLimit) != 0) reasons |= GpuThrottleReasons.HardwareThermalSlowdown;
        if ((VendorStatus & Status.Idle) != 0) reasons |= GpuThrottleReasons.Idle;
        return true;
    }

    public double? ReadPowerLimitW() => 750;

    public bool? ReadPersistenceMode() => null;
}
