namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// Bits of nvmlDeviceGetCurrentClocksEventReasons (nvmlClocksEventReason*, formerly nvmlClocksThrottleReason*).
/// </summary>
[Flags]
public enum ClockEventReasons : ulong
{
    None = 0,
    GpuIdle = 0x1,
    ApplicationsClocksSetting = 0x2,
    SwPowerCap = 0x4,
    HwSlowdown = 0x8,
    SyncBoost = 0x10,
    SwThermalSlowdown = 0x20,
    HwThermalSlowdown = 0x40,
    HwPowerBrakeSlowdown = 0x80,
    DisplayClockSetting = 0x100,
}
