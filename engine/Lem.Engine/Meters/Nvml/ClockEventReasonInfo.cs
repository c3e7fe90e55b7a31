namespace Lem.Engine.Meters.Nvml;

/// <summary>Which clock-event reasons count as throttling, and their metric names.</summary>
public static class ClockEventReasonInfo
{
    /// <summary>Reasons that are not throttling and are masked out: idle clocks, application-clock and display settings.</summary>
    public const ClockEventReasons Ignored =
        ClockEventReasons.GpuIdle | ClockEventReasons.ApplicationsClocksSetting | ClockEventReasons.DisplayClockSetting;

    /// <summary>Reasons flagged as throttling in results: power cap, slowdowns, thermal limits, power brake.</summary>
    public const ClockEventReasons Flagged =
        ClockEventReasons.SwPowerCap | ClockEventReasons.HwSlowdown | ClockEventReasons.SwThermalSlowdown
        | ClockEventReasons.HwThermalSlowdown | ClockEventReasons.HwPowerBrakeSlowdown;

    /// <summary>Reasons whose time is recorded (flagged ones plus sync boost, which is informational).</summary>
    public static IReadOnlyList<(ClockEventReasons Reason, string Name)> Recorded { get; } =
    [
        (ClockEventReasons.SwPowerCap, "sw_power_cap"),
        (ClockEventReasons.HwSlowdown, "hw_slowdown"),
        (ClockEventReasons.SwThermalSlowdown, "sw_thermal"),
        (ClockEventReasons.HwThermalSlowdown, "hw_thermal"),
        (ClockEventReasons.HwPowerBrakeSlowdown, "hw_power_brake"),
        (ClockEventReasons.SyncBoost, "sync_boost"),
    ];

    public static ClockEventReasons Mask(ulong raw) => (ClockEventReasons)raw & ~Ignored;

    public static bool IsFlagged(ClockEventReasons reason) => (reason & Flagged) != 0;
}
