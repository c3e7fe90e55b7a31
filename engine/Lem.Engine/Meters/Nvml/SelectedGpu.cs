namespace Lem.Engine.Meters.Nvml;

/// <summary>
/// A GPU the experiment uses, mapped to NVML. <see cref="Label"/> is how results name it (<c>gpu:0</c> is the
/// experiment's CUDA device 0). <see cref="MigInstance"/> is set when the experiment sees a MIG instance.
/// </summary>
public sealed record SelectedGpu(string Label, string Requested, NvmlDeviceInfo Device, string? MigInstance = null);
