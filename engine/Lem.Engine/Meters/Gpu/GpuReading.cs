namespace Lem.Engine.Meters.Gpu;

/// <summary>The readings an <see cref="IGpuDevice"/> gives, named so that messages and call costs can say which vendor call each is.</summary>
public enum GpuReading
{
    EnergyCounter,
    AveragePower,
    InstantPower,
    ThrottleReasons,
    Memory,
    Utilisation,
    Temperature,
    SmClock,
    MemoryClock,
}
