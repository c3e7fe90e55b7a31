namespace Lem.Engine.Meters.Gpu;

/// <summary>Which throttle reasons count as throttling, and their metric names.</summary>
public static class GpuThrottleReasonInfo
{
    /// <summary>Reasons that are not throttling and are masked out: idle clocks, application-clock and display settings.</summary>
    public const GpuThrottleReasons Ignored =
        GpuThrottleReasons.Idle | GpuThrottleReasons.ApplicationClocks | GpuThrottleReasons.DisplayClocks;

    /// <summary>Reasons flagged as throttling in results: power cap, slowdowns, thermal limits, power brake.</summary>
    public const GpuThrottleReasons Flagged =
        GpuThrottleReasons.SoftwarePowerCap | GpuThrottleReasons.HardwareSlowdown | GpuThrottleReasons.SoftwareThermalSlowdown
        | GpuThrottleReasons.HardwareThermalSlowdown | GpuThrottleReasons.HardwarePowerBrake;

    /// <summary>Reasons whose time is recorded (flagged ones plus sync boost, which is informational).</summary>
    public static IReadOnlyList<(GpuThrottleReasons Reason, string Name)> Recorded { get; } =
    [
        (GpuThrottleReasons.SoftwarePowerCap, "sw_power_cap"),
        (GpuThrottleReasons.HardwareSlowdown, "hw_slowdown"),
        (GpuThrottleReasons.SoftwareThermalSlowdown, "sw_thermal"),
        (GpuThrottleReasons.HardwareThermalSlowdown, "hw_thermal"),
        (GpuThrottleReasons.HardwarePowerBrake, "hw_power_brake"),
        (GpuThrottleReasons.SyncBoost, "sync_boost"),
    ];

    public static GpuThrottleReasons Mask(GpuThrottleReasons raw) => raw & ~Ignored;

    public static bool IsFlagged(GpuThrottleReasons reason) => (reason & Flagged) != 0;
}
