using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// NVIDIA GPUs through NVML (<see cref="INvmlApi"/>: the real library, or a fake in tests). Devices are mapped by
/// <see cref="GpuDeviceSelector"/>: CUDA ordinals against the GPUs in PCI bus order, respecting CUDA_VISIBLE_DEVICES
/// and CUDA_DEVICE_ORDER, UUIDs, PCI bus ids and MIG instances.
/// </summary>
public sealed class NvmlPlatform(INvmlApi api) : IGpuPlatform
{
    public const string Name = "nvml";

    public static GpuVendorTerms NvidiaTerms { get; } = new(
        Library: "NVML",
        Partition: "MIG",
        FirstGenerationWithCounter: "Volta",
        Tool: "nvidia-smi",
        PowerCheck: "nvidia-smi -q -d POWER",
        ClocksCheck: "nvidia-smi -q -d PERFORMANCE,POWER",
        DisablePartitioning: "nvidia-smi -mig 0",
        Calls: new Dictionary<GpuReading, string>
        {
            [GpuReading.EnergyCounter] = "nvmlDeviceGetTotalEnergyConsumption",
            [GpuReading.AveragePower] = "nvmlDeviceGetPowerUsage",
            [GpuReading.InstantPower] = "nvmlDeviceGetFieldValues(POWER_INSTANT)",
            [GpuReading.ThrottleReasons] = "nvmlDeviceGetCurrentClocksEventReasons",
            [GpuReading.Memory] = "nvmlDeviceGetMemoryInfo",
            [GpuReading.Utilisation] = "nvmlDeviceGetUtilizationRates",
            [GpuReading.Temperature] = "nvmlDeviceGetTemperature",
            [GpuReading.SmClock] = "nvmlDeviceGetClock(SM)",
            [GpuReading.MemoryClock] = "nvmlDeviceGetClock(MEM)",
        });

    public string MeterName => Name;

    public GpuVendorTerms Terms => NvidiaTerms;

    public GpuPlatformFailure? Start()
    {
        var init = api.Init();
        if (init == NvmlReturn.Success) return null;
        var brief = $"nvmlInit failed: {api.ErrorString(init)}";
        return new GpuPlatformFailure(init == NvmlReturn.LibraryNotFound
            ? "NVML library libnvidia-ml.so.1 not found. Remedy: install the NVIDIA driver, or run on a machine with an NVIDIA GPU; GPU energy is reported as unavailable."
            : $"{brief}. Remedy: check the NVIDIA driver (nvidia-smi); GPU energy is reported as unavailable.", brief);
    }

    public GpuOpenResult Open(IReadOnlyList<string>? devices, Func<string, string?> environment)
    {
        GpuSelection selection;
        if (devices is null)
        {
            var errors = new List<string>();
            var all = GpuDeviceSelector.Enumerate(api, errors).OrderBy(d => d.PciBusId, StringComparer.Ordinal)
                .Select((d, i) => new SelectedGpu($"gpu:{i}", d.PciBusId, d)).ToArray();
            selection = new GpuSelection(all, errors, []);
        }
        else
        {
            selection = GpuDeviceSelector.Select(api, devices, environment("CUDA_VISIBLE_DEVICES"), environment("CUDA_DEVICE_ORDER"));
        }
        return new GpuOpenResult(selection.Gpus.Select(g => (IGpuDevice)new NvmlDevice(api, g)).ToArray(), selection.Errors, selection.Notes);
    }

    public GpuDriverFacts DriverFacts() => new(
        api.GetDriverVersion(out var driver) == NvmlReturn.Success ? driver : null,
        api.GetCudaDriverVersion(out var cuda) == NvmlReturn.Success ? $"{cuda / 1000}.{cuda % 1000 / 10}" : null);

    public void Shutdown() => api.Shutdown();
}
