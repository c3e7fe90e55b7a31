namespace Lem.Engine.Meters.Nvml;

/// <summary>One physical GPU as NVML reports it.</summary>
public sealed record NvmlDeviceInfo(nint Handle, string Uuid, string PciBusId, string Name);
