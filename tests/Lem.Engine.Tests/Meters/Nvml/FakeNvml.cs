using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Tests.Meters.Nvml;

/// <summary>
/// NVML simulated in memory. Devices are enumerated in the order given (tests give them out of PCI order to prove that
/// selection does not rely on NVML's enumeration). Handles are 1-based indices.
/// </summary>
public sealed class FakeNvml(MeterClock clock, params FakeGpu[] gpus) : INvmlApi
{
    public List<FakeGpu> Gpus { get; } = [.. gpus];
    public NvmlReturn InitResult { get; set; } = NvmlReturn.Success;
    public int InitCalls { get; private set; }
    public int ShutdownCalls { get; private set; }
    public MeterClock Clock { get; } = clock;

    /// <summary>This fake behind the vendor-neutral layer, as <c>GpuPlatforms.Installed()</c> puts the real library.</summary>
    public IReadOnlyList<IGpuPlatform> Platforms() => [new NvmlPlatform(this)];

    /// <summary>Every fake GPU opened as an NVML device, labelled <c>gpu:N</c> in the order given (handles 1..N).</summary>
    public IReadOnlyList<IGpuDevice> Devices() =>
        Gpus.Select((g, i) => (IGpuDevice)new NvmlDevice(this, new SelectedGpu($"gpu:{i}", $"cuda:{i}", new NvmlDeviceInfo(i + 1, g.Uuid, g.PciBusId, g.Name)))).ToArray();

    private FakeGpu? Gpu(nint handle) => handle >= 1 && handle <= Gpus.Count ? Gpus[(int)handle - 1] : null;

    public NvmlReturn Init()
    {
        InitCalls++;
        return InitResult;
    }

    public NvmlReturn Shutdown()
    {
        ShutdownCalls++;
        return NvmlReturn.Success;
    }

    public string ErrorString(NvmlReturn result) => result.ToString();

    public NvmlReturn GetDriverVersion(out string version)
    {
        version = "580.159.04";
        return NvmlReturn.Success;
    }

    public NvmlReturn GetCudaDriverVersion(out int version)
    {
        version = 13000;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetDeviceCount(out uint count)
    {
        count = (uint)Gpus.Count;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetHandleByIndex(uint index, out nint device)
    {
        device = index < Gpus.Count ? (nint)(index + 1) : 0;
        return device == 0 ? NvmlReturn.InvalidArgument : NvmlReturn.Success;
    }

    public NvmlReturn GetHandleByUuid(string uuid, out nint device)
    {
        var i = Gpus.FindIndex(g => g.Uuid == uuid);
        device = i + 1;
        return i < 0 ? NvmlReturn.NotFound : NvmlReturn.Success;
    }

    public NvmlReturn GetHandleByPciBusId(string pciBusId, out nint device)
    {
        var i = Gpus.FindIndex(g => g.PciBusId == pciBusId);
        device = i + 1;
        return i < 0 ? NvmlReturn.NotFound : NvmlReturn.Success;
    }

    public NvmlReturn GetName(nint device, out string name)
    {
        name = Gpu(device)?.Name ?? "";
        return Gpu(device) is null ? NvmlReturn.InvalidArgument : NvmlReturn.Success;
    }

    public NvmlReturn GetUuid(nint device, out string uuid)
    {
        uuid = Gpu(device)?.Uuid ?? "";
        return Gpu(device) is null ? NvmlReturn.InvalidArgument : NvmlReturn.Success;
    }

    public NvmlReturn GetPciBusId(nint device, out string pciBusId)
    {
        pciBusId = Gpu(device)?.PciBusId ?? "";
        return Gpu(device) is null ? NvmlReturn.InvalidArgument : NvmlReturn.Success;
    }

    /// <summary>Calls of <see cref="GetTotalEnergyConsumption"/>, supported or not.</summary>
    public int EnergyCalls { get; private set; }

    public NvmlReturn GetTotalEnergyConsumption(nint device, out ulong energyMj)
    {
        EnergyCalls++;
        var g = Gpu(device);
        energyMj = 0;
        if (g is null) return NvmlReturn.InvalidArgument;
        if (!g.CounterSupported) return NvmlReturn.NotSupported;
        if (g.CounterReadDelay > TimeSpan.Zero) Clock.Sleep(g.CounterReadDelay);
        energyMj = g.CounterFrozen ? 5_000_000 : g.CounterMj(Clock.NowS);
        return NvmlReturn.Success;
    }

    public NvmlReturn GetPowerUsage(nint device, out uint powerMw)
    {
        powerMw = (uint)((Gpu(device)?.PowerW ?? 0) * 1000);
        return Gpu(device) is null ? NvmlReturn.InvalidArgument : NvmlReturn.Success;
    }

    public NvmlReturn GetInstantPower(nint device, out uint powerMw)
    {
        var g = Gpu(device);
        powerMw = g is null ? 0 : (uint)((double.IsNaN(g.InstantPowerW) ? g.PowerW : g.InstantPowerW) * 1000);
        return g is null ? NvmlReturn.InvalidArgument : NvmlReturn.Success;
    }

    public NvmlReturn GetMemoryInfo(nint device, out ulong totalBytes, out ulong usedBytes)
    {
        totalBytes = 80UL << 30;
        usedBytes = 10UL << 30;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetUtilizationRates(nint device, out uint gpuPercent, out uint memoryPercent)
    {
        gpuPercent = 90;
        memoryPercent = 40;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetTemperature(nint device, out uint celsius)
    {
        celsius = Gpu(device)?.TemperatureC ?? 0;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetClock(nint device, NvmlClockType type, out uint mhz)
    {
        mhz = type == NvmlClockType.Sm ? 1980u : 2619u;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetPowerManagementLimit(nint device, out uint limitMw)
    {
        limitMw = Gpu(device)?.PowerLimitMw ?? 0;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetPersistenceMode(nint device, out bool enabled)
    {
        enabled = true;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetCurrentClocksEventReasons(nint device, out ulong reasons)
    {
        reasons = Gpu(device)?.ClockEventReasons ?? 0;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetMigMode(nint device, out bool currentEnabled)
    {
        currentEnabled = Gpu(device)?.MigEnabled ?? false;
        return NvmlReturn.Success;
    }
}
