using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Measurement;

/// <summary>
/// The GPU platforms lem meters with, in the order they are tried: the first whose library starts meters the run (as
/// Zeus tries NVML, then AMD SMI). Another vendor is one <see cref="IGpuPlatform"/> and one entry here.
/// </summary>
public static class GpuPlatforms
{
    public static IReadOnlyList<IGpuPlatform> Installed() => [new NvmlPlatform(new NvmlApi())];
}
