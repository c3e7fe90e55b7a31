using System.Diagnostics;

namespace Lem.Engine.Meters.Gpu;

/// <summary>What each reading of the sampler costs on this machine (mean wall time over repeated calls, one GPU), named
/// by the vendor call behind it.</summary>
public static class GpuCallCost
{
    public static IReadOnlyList<(string Call, double MeanUs)> Measure(IGpuDevice device, GpuVendorTerms terms, int repeats = 200)
    {
        (GpuReading, Func<bool>)[] readings =
        [
            (GpuReading.EnergyCounter, () => device.TryReadEnergyMj(out _)),
            (GpuReading.AveragePower, () => device.TryReadAveragePowerW(out _)),
            (GpuReading.InstantPower, () => device.TryReadInstantPowerW(out _)),
            (GpuReading.ThrottleReasons, () => device.TryReadThrottleReasons(out _)),
            (GpuReading.Memory, () => device.TryReadMemoryUsedBytes(out _)),
            (GpuReading.Utilisation, () => device.TryReadUtilisation(out _, out _)),
            (GpuReading.Temperature, () => device.TryReadTemperatureC(out _)),
            (GpuReading.SmClock, () => device.TryReadSmClockMhz(out _)),
        ];
        var result = new List<(string, double)>();
        foreach (var (reading, read) in readings)
        {
            if (!terms.Calls.ContainsKey(reading)) continue; // the vendor has no such call
            read();
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) read();
            result.Add((terms.Call(reading), stopwatch.Elapsed.TotalMicroseconds / repeats));
        }
        return result;
    }
}
