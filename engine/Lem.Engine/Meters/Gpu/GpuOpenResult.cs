namespace Lem.Engine.Meters.Gpu;

/// <summary>The GPUs a platform found for the devices asked for, the problems (errors) and the caveats (notes).</summary>
public sealed record GpuOpenResult(IReadOnlyList<IGpuDevice> Devices, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes);
