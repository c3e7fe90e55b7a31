using System.Runtime.InteropServices;
using Lem.Engine.Inference;
using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// The llama.cpp native library of this process: chosen once, before the first native call (LLamaSharp cannot switch
/// libraries afterwards), either the CPU build of LLamaSharp.Backend.Cpu or the one <c>llamacpp.native_path</c> names.
/// llama.cpp's log goes to <see cref="LlamaCppLog"/> instead of stderr.
/// </summary>
public static class LlamaCppNative
{
    private static readonly object Gate = new();
    private static string? _loadedFrom;
    private static bool _loaded;
    private static string? _failure; // the first load's error: LLamaSharp cannot be configured again after a failed load

    /// <summary>Where the library was loaded from: the native_path given, or "LLamaSharp.Backend.Cpu".</summary>
    public static string LoadedFrom => _loadedFrom ?? PackagedName;

    public const string PackagedName = "LLamaSharp.Backend.Cpu (bundled)";

    /// <summary>
    /// Loads llama.cpp (once per process) from <paramref name="nativePath"/> (a folder holding libllama.so, or the
    /// library itself) or, when null, from the bundled CPU package.
    /// </summary>
    /// <exception cref="InferenceException">The path does not exist, a different library is already loaded, or loading fails.</exception>
    public static void Ensure(string? nativePath)
    {
        string? library = nativePath is null ? null : LibraryFile(nativePath);
        lock (Gate)
        {
            if (_loaded)
            {
                if (library != _loadedFrom)
                    throw new InferenceException(
                        $"llamacpp.native_path {(library ?? "(unset)")} cannot take effect: this process already loaded llama.cpp from {LoadedFrom}, and a native library cannot be swapped once loaded. " +
                        "Remedy: run experiments with different llamacpp.native_path values in separate lem invocations.");
                return;
            }
            if (_failure is not null) throw new InferenceException(_failure);
            try
            {
                if (library is not null)
                    NativeLibraryConfig.LLama.WithLibrary(library);
                NativeLibraryConfig.All.WithLogCallback(LlamaCppLog.Callback);
                NativeApi.llama_empty_call();
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or LLama.Exceptions.RuntimeError or InvalidOperationException or EntryPointNotFoundException or BadImageFormatException)
            {
                _failure = $"llama.cpp could not be loaded from {library ?? PackagedName}: {Innermost(e).Message}. " +
                    (library is null
                        ? BundledDependencyProblem() ?? "Remedy: the LLamaSharp.Backend.Cpu natives need glibc on linux-x64; reinstall lem, or point llamacpp.native_path at a llama.cpp build matching LLamaSharp 0.30.0."
                        : "Remedy: point llamacpp.native_path at a folder with libllama.so (and its libggml*.so) built from the llama.cpp commit LLamaSharp 0.30.0 binds.");
                throw new InferenceException(_failure, e);
            }
            _loadedFrom = library;
            _loaded = true;
        }
    }

    private static string LibraryFile(string nativePath) =>
        FindLibrary(nativePath, out var problem) ?? throw new InferenceException(problem!);

    /// <summary>Why llamacpp.native_path cannot be loaded from (it does not exist, or its folder holds no libllama.so), or null; nothing is loaded.</summary>
    public static string? LibraryProblem(string nativePath)
    {
        FindLibrary(nativePath, out var problem);
        return problem;
    }

    /// <summary>The shared library the bundled Linux natives link against that a minimal system may lack.</summary>
    public const string OpenMpRuntime = "libgomp.so.1";

    /// <summary>
    /// Why the bundled CPU natives cannot load on this machine, found without loading them, or null: on Linux they are
    /// built with OpenMP and need GCC's runtime, <c>libgomp.so.1</c>, which a fresh Debian or a slim container lacks
    /// (LLamaSharp reports only "the native library cannot be correctly loaded").
    /// </summary>
    public static string? BundledDependencyProblem() =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 ? BundledDependencyProblem(CanLoad) : null;

    /// <summary><see cref="BundledDependencyProblem()"/> of a Linux x64 machine that can load what <paramref name="canLoad"/> says.</summary>
    public static string? BundledDependencyProblem(Func<string, bool> canLoad)
    {
        if (canLoad(OpenMpRuntime)) return null;
        return $"Remedy: llama.cpp's bundled CPU build needs the OpenMP runtime {OpenMpRuntime}, which this machine lacks: install it (Debian and Ubuntu: apt-get install libgomp1; Fedora: dnf install libgomp), or point llamacpp.native_path at a llama.cpp build without OpenMP.";
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>The library file <paramref name="nativePath"/> names (a folder holding libllama.so, or the library itself), or null with the problem.</summary>
    private static string? FindLibrary(string nativePath, out string? problem)
    {
        problem = null;
        string full = Path.GetFullPath(nativePath);
        if (Directory.Exists(full))
        {
            string candidate = Path.Combine(full, OperatingSystem.IsWindows() ? "llama.dll" : OperatingSystem.IsMacOS() ? "libllama.dylib" : "libllama.so");
            if (File.Exists(candidate)) return candidate;
            problem = $"llamacpp.native_path {full} holds no {Path.GetFileName(candidate)}. Remedy: point it at the folder of a llama.cpp build (libllama.so beside libggml*.so), or at libllama.so itself.";
            return null;
        }
        if (File.Exists(full))
            return full;
        problem = $"llamacpp.native_path {full} does not exist. Remedy: point it at the folder of a llama.cpp build (libllama.so beside libggml*.so), or at libllama.so itself.";
        return null;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>llama.cpp's system info line (the CPU features its kernels use: AVX2, AVX512...).</summary>
    public static string SystemInfo => Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info())?.Trim() ?? "";

    /// <summary>Whether the loaded build can offload layers to a GPU (a CUDA, Vulkan or Metal build).</summary>
    public static bool SupportsGpuOffload => NativeApi.llama_supports_gpu_offload();

    /// <summary>The ggml compute devices of the loaded build (CPU, CUDA0...).</summary>
    public static IReadOnlyList<string> Devices
    {
        get
        {
            var names = new List<string>();
            nuint count = NativeApi.ggml_backend_dev_count();
            for (nuint i = 0; i < count; i++)
                names.Add(Marshal.PtrToStringUTF8(NativeApi.ggml_backend_dev_name(NativeApi.ggml_backend_dev_get(i))) ?? "?");
            return names;
        }
    }

    public static bool HasCudaDevice => Devices.Any(d => d.StartsWith("CUDA", StringComparison.OrdinalIgnoreCase));
}
