namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// Why a GPU's clocks are held below their maximum, in vendor-neutral names. The values are NVML's clock-event bits
/// (nvmlClocksEventReason*), so that the recorded mask series (<c>gpuN_clock_event_reasons_mask</c>) reads as before;
/// another vendor sets the named bits from its own reasons.
/// </summary>
[Flags]
public enum GpuThrottleReasons : ulong
{
    None = 0,
    /// <summary>Nothing runs, so the clocks are low: not throttling.</summary>
    Idle = 0x1,
    /// <summary>Clocks capped by an application-clock setting: not throttling.</summary>
    ApplicationClocks = 0x2,
    SoftwarePowerCap = 0x4,
    HardwareSlowdown = 0x8,
    /// <summary>Clocks held to those of other GPUs in a sync-boost group: informational.</summary>
    SyncBoost = 0x10,
    SoftwareThermalSlowdown = 0x20,
    HardwareThermalSlowdown = 0x40,
    HardwarePowerBrake = 0x80,
    /// <summary>Clocks capped by a display-clock setting: not throttling.</summary>
    DisplayClocks = 0x100,
}
