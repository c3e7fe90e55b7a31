using System.Diagnostics;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>
/// A steady GPU load for meter checks: bf16 2048³ matrix products until the time is up. Deliberately below the
/// power limit (8192³ products hold an H100 at its 700 W cap, which is throttling by definition).
/// </summary>
public static class SteadyGpuLoad
{
    public static void Run(string device, TimeSpan duration)
    {
        TorchRuntime.EnsureLoaded(device);
        var target = new Device(device);
        using var inference = inference_mode();
        using var a = randn([2048, 2048], ScalarType.BFloat16, target);
        using var b = randn([2048, 2048], ScalarType.BFloat16, target);
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            // a handful of products per sync keeps the queue short, so the load ends on time
            for (var i = 0; i < 64; i++)
            {
                using var c = a.matmul(b);
            }
            cuda.synchronize(target);
        }
    }
}
