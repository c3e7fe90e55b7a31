using System.Runtime.InteropServices;

namespace Lem.Engine.Meters.Nvml;

/// <summary>Raw P/Invoke declarations for libnvidia-ml.so.1. Use through <see cref="NvmlApi"/>.</summary>
internal static unsafe partial class NvmlNative
{
    private const string Library = "libnvidia-ml.so.1";

    [StructLayout(LayoutKind.Sequential)]
    internal struct FieldValue
    {
        public uint FieldId;
        public uint ScopeId;
        public long TimestampUs;
        public long LatencyUs;
        public int ValueType;
        public int Return;
        public ulong Value; // nvmlValue_t union, 8 bytes; read per ValueType
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Memory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Utilization
    {
        public uint Gpu;
        public uint Memory;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PciInfo
    {
        public fixed byte BusIdLegacy[16];
        public uint Domain;
        public uint Bus;
        public uint Device;
        public uint PciDeviceId;
        public uint PciSubSystemId;
        public fixed byte BusId[32];
    }

    [LibraryImport(Library, EntryPoint = "nvmlInit_v2")] internal static partial int Init();
    [LibraryImport(Library, EntryPoint = "nvmlShutdown")] internal static partial int Shutdown();
    [LibraryImport(Library, EntryPoint = "nvmlErrorString")] internal static partial nint ErrorString(int result);
    [LibraryImport(Library, EntryPoint = "nvmlSystemGetDriverVersion")] internal static partial int SystemGetDriverVersion(byte* version, uint length);
    [LibraryImport(Library, EntryPoint = "nvmlSystemGetCudaDriverVersion_v2")] internal static partial int SystemGetCudaDriverVersion(int* version);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetCount_v2")] internal static partial int DeviceGetCount(uint* count);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")] internal static partial int DeviceGetHandleByIndex(uint index, nint* device);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetHandleByUUID")] internal static partial int DeviceGetHandleByUuid(byte* uuid, nint* device);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetHandleByPciBusId_v2")] internal static partial int DeviceGetHandleByPciBusId(byte* pciBusId, nint* device);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetName")] internal static partial int DeviceGetName(nint device, byte* name, uint length);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetUUID")] internal static partial int DeviceGetUuid(nint device, byte* uuid, uint length);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetPciInfo_v3")] internal static partial int DeviceGetPciInfo(nint device, PciInfo* pci);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetTotalEnergyConsumption")] internal static partial int DeviceGetTotalEnergyConsumption(nint device, ulong* energyMj);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetPowerUsage")] internal static partial int DeviceGetPowerUsage(nint device, uint* powerMw);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetFieldValues")] internal static partial int DeviceGetFieldValues(nint device, int count, FieldValue* values);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetMemoryInfo")] internal static partial int DeviceGetMemoryInfo(nint device, Memory* memory);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetUtilizationRates")] internal static partial int DeviceGetUtilizationRates(nint device, Utilization* utilization);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetTemperature")] internal static partial int DeviceGetTemperature(nint device, int sensor, uint* celsius);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetClockInfo")] internal static partial int DeviceGetClockInfo(nint device, int type, uint* mhz);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetPowerManagementLimit")] internal static partial int DeviceGetPowerManagementLimit(nint device, uint* limitMw);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetPersistenceMode")] internal static partial int DeviceGetPersistenceMode(nint device, int* mode);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetCurrentClocksEventReasons")] internal static partial int DeviceGetCurrentClocksEventReasons(nint device, ulong* reasons);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetCurrentClocksThrottleReasons")] internal static partial int DeviceGetCurrentClocksThrottleReasons(nint device, ulong* reasons);
    [LibraryImport(Library, EntryPoint = "nvmlDeviceGetMigMode")] internal static partial int DeviceGetMigMode(nint device, uint* current, uint* pending);
}
