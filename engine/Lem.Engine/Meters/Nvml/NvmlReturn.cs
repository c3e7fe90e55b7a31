namespace Lem.Engine.Meters.Nvml;

/// <summary>NVML return codes (nvmlReturn_t) that the meter distinguishes; other values pass through as numbers.</summary>
public enum NvmlReturn
{
    Success = 0,
    Uninitialized = 1,
    InvalidArgument = 2,
    NotSupported = 3,
    NoPermission = 4,
    NotFound = 6,
    DriverNotLoaded = 9,
    GpuIsLost = 15,
    LibraryNotFound = 12,
    FunctionNotFound = 13,
    Unknown = 999,
}
