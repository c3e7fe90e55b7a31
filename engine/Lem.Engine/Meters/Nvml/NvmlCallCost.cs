using System.Diagnostics;

namespace Lem.Engine.Meters.Nvml;

/// <summary>What each NVML call of the sampler costs on this machine (mean wall time over repeated calls, one GPU).</summary>
public static class NvmlCallCost
{
    public static IReadOnlyList<(string Call, double MeanUs)> Measure(INvmlApi api, nint device, int repeats = 200)
    {
        (string, Func<bool>)[] calls =
        [
            ("nvmlDeviceGetTotalEnergyConsumption", () => api.GetTotalEnergyConsumption(device, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetPowerUsage", () => api.GetPowerUsage(device, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetFieldValues(POWER_INSTANT)", () => api.GetInstantPower(device, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetCurrentClocksEventReasons", () => api.GetCurrentClocksEventReasons(device, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetMemoryInfo", () => api.GetMemoryInfo(device, out _, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetUtilizationRates", () => api.GetUtilizationRates(device, out _, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetTemperature", () => api.GetTemperature(device, out _) == NvmlReturn.Success),
            ("nvmlDeviceGetClock(SM)", () => api.GetClock(device, NvmlClockType.Sm, out _) == NvmlReturn.Success),
        ];
        var result = new List<(string, double)>();
        foreach (var (name, call) in calls)
        {
            call();
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) call();
            result.Add((name, stopwatch.Elapsed.TotalMicroseconds / repeats));
        }
        return result;
    }
}
