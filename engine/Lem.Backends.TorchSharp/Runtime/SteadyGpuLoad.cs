using System.Diagnostics;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>A steady GPU load for meter checks: bf16 8192³ matrix products until the time is up.</summary>
public static class SteadyGpuLoad
{
    public static void Run(string device, TimeSpan duration)
    {
        TorchRuntime.EnsureLoaded(device);
        var target = new Device(device);
        using var inference = inference_mode();
        using var a = randn([8192, 8192], ScalarType.BFloat16, target);
        using var b = randn([8192, 8192], ScalarType.BFloat16, target);
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            // a handful of products per sync keeps the queue short, so the load ends on time
            for (var i = 0; i < 8; i++)
            {
                using var c = a.matmul(b);
            }
            cuda.synchronize(target);
        }
    }
}
