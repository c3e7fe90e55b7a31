namespace Lem.Engine.Meters.Gpu;

/// <summary>One sampler reading of one GPU. Values the device could not give are NaN (or <see cref="ulong.MaxValue"/> for the counter).</summary>
public struct GpuSample
{
    public double TimeS;
    public ulong EnergyMj;
    public double AvgPowerW;
    public double InstantPowerW;
    public double MemoryUsedBytes;
    public double SmUtilPercent;
    public double MemoryUtilPercent;
    public double TemperatureC;
    public double SmClockMhz;
    public double MemoryClockMhz;
    public GpuThrottleReasons ThrottleReasons;
}
