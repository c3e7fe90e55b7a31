using Lem.Engine.Inference;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>
/// Loads libtorch for a device once per process and turns a failure into one clear line with the remedy.
/// </summary>
/// <remarks>
/// A CUDA run needs a CUDA-enabled libtorch (on the GPU machine: the one of the installed PyTorch) on
/// LD_LIBRARY_PATH, and no CPU libtorch natives beside the app. The dynamic loader reads LD_LIBRARY_PATH only at
/// process start, so when a CUDA libtorch is found elsewhere this says which <c>export LD_LIBRARY_PATH=...</c> to
/// run rather than re-executing itself: a re-exec would double start-up, change the process that the meters
/// attribute work to, and cannot work inside a host such as a test runner or a notebook.
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The backend option naming a CUDA libtorch folder (a torch/lib folder or the torch package folder).</summary>
    public const string LibtorchPathOption = "torchsharp.libtorch_path";

    private static readonly object Gate = new();
    private static bool _cpuLoaded;
    private static bool _cudaLoaded;

    /// <summary>Initialises TorchSharp for <paramref name="device"/> (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    /// <param name="libtorchPath">The configured <c>torchsharp.libtorch_path</c>, if any; used to find a CUDA libtorch for the remedy.</param>
    /// <exception cref="InferenceException">libtorch cannot be loaded, CUDA is absent, or the device name is unknown.</exception>
    public static void EnsureLoaded(string device, string? libtorchPath = null)
    {
        var (isCuda, index) = ParseDevice(device);
        lock (Gate)
        {
            if (!isCuda)
            {
                if (_cpuLoaded || _cudaLoaded)
                    return;
                try
                {
                    torch.InitializeDeviceType(DeviceType.CPU);
                }
                catch (Exception e)
                {
                    throw new InferenceException(CpuFailureMessage(e), e);
                }
                _cpuLoaded = true;
                return;
            }

            if (!_cudaLoaded)
            {
                string? reason = null;
                Exception? error = null;
                try
                {
                    torch.InitializeDeviceType(DeviceType.CUDA);
                    if (!torch.cuda.is_available())
                        reason = "CUDA is not available (no NVIDIA driver or GPU, or the libtorch that loaded is CPU-only)";
                }
                catch (Exception e)
                {
                    error = e;
                    reason = OneLine(e);
                }
                if (reason is not null)
                {
                    var locator = CudaLibtorchLocator.ForThisMachine();
                    LibtorchLocation? location = locator.Find(libtorchPath);
                    bool onPath = location is not null && locator.IsOnLdLibraryPath(location.LibDir);
                    throw new InferenceException(CudaFailureMessage(reason, location, onPath, CpuNativesBesideApp(AppContext.BaseDirectory)), error);
                }
                _cudaLoaded = true;
            }

            int count = torch.cuda.device_count();
            if (index >= count)
                throw new InferenceException($"device '{device}' does not exist: this machine has {count} CUDA device(s). Remedy: use cuda:0 to cuda:{count - 1}.");
        }
    }

    /// <summary>Splits <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> into (isCuda, index).</summary>
    public static (bool IsCuda, int Index) ParseDevice(string device)
    {
        string d = device.Trim().ToLowerInvariant();
        if (d == "cpu")
            return (false, 0);
        if (d == "cuda")
            return (true, 0);
        if (d.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(d.AsSpan(5), out int n) && n >= 0)
            return (true, n);
        throw new InferenceException($"device '{device}' is not known. Remedy: use cpu, cuda or cuda:N (for example cuda:0).");
    }

    internal static string CpuFailureMessage(Exception e)
    {
        string remedy = e.ToString().Contains("GLIBCXX", StringComparison.Ordinal)
            ? "Remedy: rebuild so that build/Lem.NativePatch.targets marks GLIBCXX_3.4.32 weak in the output's libLibTorchSharp.so (dotnet build runs it), or use a system with GCC 13's libstdc++."
            : "Remedy: build or publish for linux-x64 with the libtorch-cpu-linux-x64 natives beside the app (the default build), and run it where they were restored.";
        return $"libtorch could not be loaded: {OneLine(e)}. {remedy}";
    }

    internal static string CudaFailureMessage(string reason, LibtorchLocation? location, bool onLdLibraryPath, string? cpuNativesFile)
    {
        var remedies = new List<string>();
        if (cpuNativesFile is not null)
            remedies.Add($"this build ships CPU-only libtorch natives ({cpuNativesFile}), which load before a CUDA libtorch; use a CUDA build (dotnet build/publish -p:LemCuda=true) that leaves them out");
        if (location is null)
            remedies.Add($"install PyTorch with CUDA (or a CUDA libtorch 2.10), set {LibtorchPathOption} to its torch/lib folder, and export LD_LIBRARY_PATH=<that folder>:$LD_LIBRARY_PATH before starting lem");
        else if (!onLdLibraryPath)
            remedies.Add($"a CUDA libtorch is at {location.LibDir} (found by {location.Source}); the loader reads LD_LIBRARY_PATH only at start, so run: export LD_LIBRARY_PATH={location.LibDir}:$LD_LIBRARY_PATH and start lem again");
        else if (cpuNativesFile is null)
            remedies.Add($"the CUDA libtorch at {location.LibDir} is on LD_LIBRARY_PATH; check that it matches TorchSharp 0.107 (libtorch 2.10 ABI) and that the NVIDIA driver works (nvidia-smi)");
        return $"libtorch with CUDA could not be loaded: {reason}. Remedy: {string.Join("; ", remedies)}.";
    }

    /// <summary>The CPU libtorch file shipped with the app, if any (beside it or under runtimes/linux-x64/native).</summary>
    internal static string? CpuNativesBesideApp(string appDir)
    {
        foreach (string dir in new[] { appDir, Path.Combine(appDir, "runtimes", "linux-x64", "native") })
        {
            string cpu = Path.Combine(dir, "libtorch_cpu.so");
            if (File.Exists(cpu) && !File.Exists(Path.Combine(dir, CudaLibtorchLocator.CudaLibraryFile)))
                return cpu;
        }
        return null;
    }

    /// <summary>The first line of the message, with the first line of the innermost cause when it differs.</summary>
    internal static string OneLine(Exception e)
    {
        static string First(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.TrimEnd('.') ?? "";
        string outer = First(e.Message);
        Exception inner = e;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        string innermost = First(inner.Message);
        return inner == e || innermost == outer || innermost.Length == 0 ? outer : $"{outer} ({innermost})";
    }
}
