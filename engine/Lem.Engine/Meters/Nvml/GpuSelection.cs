namespace Lem.Engine.Meters.Nvml;

/// <summary>The outcome of mapping requested devices to NVML: the GPUs found, problems (errors), and caveats (notes).</summary>
public sealed record GpuSelection(IReadOnlyList<SelectedGpu> Gpus, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes);
