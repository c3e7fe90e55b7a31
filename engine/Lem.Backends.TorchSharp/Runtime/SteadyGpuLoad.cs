using System.Diagnostics;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>
/// A steady GPU load for meter checks: copies between two 1 GiB buffers until the time is up. Memory-bound on purpose:
/// back-to-back matrix products (8192³ and 2048³ alike) hold an H100 at its 700 W cap, which is throttling by definition.
/// </summary>
public static class SteadyGpuLoad
{
    public static void Run(string device, TimeSpan duration) => CopyGiB(device, duration);

    /// <summary>Runs the load for <paramref name="duration"/> and returns the GiB copied: its throughput is the work done.</summary>
    public static double CopyGiB(string device, TimeSpan duration)
    {
        TorchRuntime.EnsureLoaded(device);
        var target = new Device(device);
        using var inference = inference_mode();
        using var a = randn([512L * 1024 * 1024], ScalarType.BFloat16, target);
        using var b = empty([512L * 1024 * 1024], ScalarType.BFloat16, target);
        long copies = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            // a handful of copies per sync keeps the queue short, so the load ends on time
            for (var i = 0; i < 16; i++)
                b.copy_(a);
            cuda.synchronize(target);
            copies += 16;
        }
        return copies; // each copy moves one 1 GiB buffer
    }
}
