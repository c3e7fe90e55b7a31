using System.Runtime.InteropServices;
using System.Text;

namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// The real NVML through libnvidia-ml.so.1 (P/Invoke, no package). A missing library or symbol is reported as
/// <see cref="NvmlReturn.LibraryNotFound"/> / <see cref="NvmlReturn.FunctionNotFound"/>, never thrown.
/// </summary>
public sealed unsafe class NvmlApi : INvmlApi
{
    private const uint NameBufferLength = 96;
    private const uint DriverBufferLength = 80;
    private const uint FieldPowerInstant = 186;
    private bool _useThrottleReasonsName;

    public NvmlReturn Init()
    {
        try { return (NvmlReturn)NvmlNative.Init(); }
        catch (DllNotFoundException) { return NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { return NvmlReturn.FunctionNotFound; }
    }

    public NvmlReturn Shutdown()
    {
        try { return (NvmlReturn)NvmlNative.Shutdown(); }
        catch (DllNotFoundException) { return NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { return NvmlReturn.FunctionNotFound; }
    }

    public string ErrorString(NvmlReturn result)
    {
        if (result == NvmlReturn.LibraryNotFound) return "libnvidia-ml.so.1 not found";
        if (result == NvmlReturn.FunctionNotFound) return "function not found in libnvidia-ml.so.1 (driver too old)";
        try
        {
            var text = Marshal.PtrToStringUTF8(NvmlNative.ErrorString((int)result));
            return string.IsNullOrEmpty(text) ? $"NVML error {(int)result}" : text;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"NVML error {(int)result}";
        }
    }

    public NvmlReturn GetDriverVersion(out string version)
    {
        var buffer = stackalloc byte[(int)DriverBufferLength];
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.SystemGetDriverVersion(buffer, DriverBufferLength); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        version = r == NvmlReturn.Success ? Text(buffer, (int)DriverBufferLength) : "";
        return r;
    }

    public NvmlReturn GetCudaDriverVersion(out int version)
    {
        int v = 0;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.SystemGetCudaDriverVersion(&v); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        version = v;
        return r;
    }

    public NvmlReturn GetDeviceCount(out uint count)
    {
        uint c = 0;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetCount(&c); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        count = c;
        return r;
    }

    public NvmlReturn GetHandleByIndex(uint index, out nint device)
    {
        nint d = 0;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetHandleByIndex(index, &d); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        device = d;
        return r;
    }

    public NvmlReturn GetHandleByUuid(string uuid, out nint device)
    {
        nint d = 0;
        var bytes = Encoding.ASCII.GetBytes(uuid + "\0");
        NvmlReturn r;
        fixed (byte* p = bytes)
        {
            try { r = (NvmlReturn)NvmlNative.DeviceGetHandleByUuid(p, &d); }
            catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
            catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        }
        device = d;
        return r;
    }

    public NvmlReturn GetHandleByPciBusId(string pciBusId, out nint device)
    {
        nint d = 0;
        var bytes = Encoding.ASCII.GetBytes(pciBusId + "\0");
        NvmlReturn r;
        fixed (byte* p = bytes)
        {
            try { r = (NvmlReturn)NvmlNative.DeviceGetHandleByPciBusId(p, &d); }
            catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
            catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        }
        device = d;
        return r;
    }

    public NvmlReturn GetName(nint device, out string name)
    {
        var buffer = stackalloc byte[(int)NameBufferLength];
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetName(device, buffer, NameBufferLength); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        name = r == NvmlReturn.Success ? Text(buffer, (int)NameBufferLength) : "";
        return r;
    }

    public NvmlReturn GetUuid(nint device, out string uuid)
    {
        var buffer = stackalloc byte[(int)NameBufferLength];
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetUuid(device, buffer, NameBufferLength); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        uuid = r == NvmlReturn.Success ? Text(buffer, (int)NameBufferLength) : "";
        return r;
    }

    public NvmlReturn GetPciBusId(nint device, out string pciBusId)
    {
        NvmlNative.PciInfo info;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetPciInfo(device, &info); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        pciBusId = r == NvmlReturn.Success ? Text(info.BusId, 32) : "";
        return r;
    }

    public NvmlReturn GetTotalEnergyConsumption(nint device, out ulong energyMj)
    {
        ulong e = 0;
        var r = (NvmlReturn)NvmlNative.DeviceGetTotalEnergyConsumption(device, &e);
        energyMj = e;
        return r;
    }

    public NvmlReturn GetPowerUsage(nint device, out uint powerMw)
    {
        uint p = 0;
        var r = (NvmlReturn)NvmlNative.DeviceGetPowerUsage(device, &p);
        powerMw = p;
        return r;
    }

    public NvmlReturn GetInstantPower(nint device, out uint powerMw)
    {
        NvmlNative.FieldValue value = default;
        value.FieldId = FieldPowerInstant;
        var r = (NvmlReturn)NvmlNative.DeviceGetFieldValues(device, 1, &value);
        powerMw = 0;
        if (r != NvmlReturn.Success) return r;
        if (value.Return != 0) return (NvmlReturn)value.Return;
        // nvmlValueType_t: 1 unsigned int, 2 unsigned long, 3 unsigned long long, 4 signed long long, 5 signed int, 0 double.
        powerMw = value.ValueType switch
        {
            0 => (uint)BitConverter.Int64BitsToDouble((long)value.Value),
            1 or 5 => (uint)(value.Value & 0xFFFF_FFFF),
            _ => (uint)value.Value,
        };
        return NvmlReturn.Success;
    }

    public NvmlReturn GetMemoryInfo(nint device, out ulong totalBytes, out ulong usedBytes)
    {
        NvmlNative.Memory m;
        var r = (NvmlReturn)NvmlNative.DeviceGetMemoryInfo(device, &m);
        totalBytes = r == NvmlReturn.Success ? m.Total : 0;
        usedBytes = r == NvmlReturn.Success ? m.Used : 0;
        return r;
    }

    public NvmlReturn GetUtilizationRates(nint device, out uint gpuPercent, out uint memoryPercent)
    {
        NvmlNative.Utilization u;
        var r = (NvmlReturn)NvmlNative.DeviceGetUtilizationRates(device, &u);
        gpuPercent = r == NvmlReturn.Success ? u.Gpu : 0;
        memoryPercent = r == NvmlReturn.Success ? u.Memory : 0;
        return r;
    }

    public NvmlReturn GetTemperature(nint device, out uint celsius)
    {
        uint t = 0;
        var r = (NvmlReturn)NvmlNative.DeviceGetTemperature(device, 0, &t);
        celsius = t;
        return r;
    }

    public NvmlReturn GetClock(nint device, NvmlClockType type, out uint mhz)
    {
        uint c = 0;
        var r = (NvmlReturn)NvmlNative.DeviceGetClockInfo(device, (int)type, &c);
        mhz = c;
        return r;
    }

    public NvmlReturn GetPowerManagementLimit(nint device, out uint limitMw)
    {
        uint l = 0;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetPowerManagementLimit(device, &l); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        limitMw = l;
        return r;
    }

    public NvmlReturn GetPersistenceMode(nint device, out bool enabled)
    {
        int mode = 0;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetPersistenceMode(device, &mode); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        enabled = mode == 1;
        return r;
    }

    public NvmlReturn GetCurrentClocksEventReasons(nint device, out ulong reasons)
    {
        ulong value = 0;
        NvmlReturn r;
        if (!_useThrottleReasonsName)
        {
            try
            {
                r = (NvmlReturn)NvmlNative.DeviceGetCurrentClocksEventReasons(device, &value);
                reasons = value;
                return r;
            }
            catch (EntryPointNotFoundException)
            {
                _useThrottleReasonsName = true; // drivers before 535 only have the older name
            }
        }
        try { r = (NvmlReturn)NvmlNative.DeviceGetCurrentClocksThrottleReasons(device, &value); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        reasons = value;
        return r;
    }

    public NvmlReturn GetMigMode(nint device, out bool currentEnabled)
    {
        uint current = 0, pending = 0;
        NvmlReturn r;
        try { r = (NvmlReturn)NvmlNative.DeviceGetMigMode(device, &current, &pending); }
        catch (DllNotFoundException) { r = NvmlReturn.LibraryNotFound; }
        catch (EntryPointNotFoundException) { r = NvmlReturn.FunctionNotFound; }
        currentEnabled = current == 1;
        return r;
    }


    private static string Text(byte* buffer, int length)
    {
        var n = 0;
        while (n < length && buffer[n] != 0) n++;
        return Encoding.ASCII.GetString(buffer, n);
    }
}
