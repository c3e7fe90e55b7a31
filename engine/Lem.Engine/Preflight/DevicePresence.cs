using Lem.Engine.Config;
using Lem.Engine.Measurement;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Preflight;

/// <summary>Whether the GPUs an experiment names are on this machine, asked of the vendor's management library (NVML), as the GPU meter finds them.</summary>
public static class DevicePresence
{
    /// <summary>Why some of <paramref name="devices"/> are not present, or null when every one is.</summary>
    public static string? Missing(IReadOnlyList<DeviceSpec> devices) => Missing(devices, GpuPlatforms.Installed(), Environment.GetEnvironmentVariable);

    public static string? Missing(IReadOnlyList<DeviceSpec> devices, IReadOnlyList<IGpuPlatform> platforms, Func<string, string?> environment)
    {
        if (devices.Count == 0) return null;
        var start = GpuPlatformStart.First(platforms);
        if (start.Started is not { } platform) return $"no GPU lem can see ({start.Brief})";
        try
        {
            var opened = platform.Open(devices.Select(d => d.ToString()).ToArray(), environment);
            return opened.Errors.Count == 0 ? null : string.Join("; ", opened.Errors);
        }
        finally
        {
            platform.Shutdown();
        }
    }
}
