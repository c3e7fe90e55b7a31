using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Lem.Backends.TorchSharp.CudaGraphs;

/// <summary>
/// Compiles the native helper — lem_cuda_graphs.cpp, lem_fused_ops.cpp and lem_decode_kernels.cpp, embedded in this assembly —  with the system g++ against the
/// headers and libraries of the libtorch that TorchSharp loaded, and caches the result per libtorch version and
/// source. Nothing prebuilt ships with lem: a machine without a compiler or headers gets a clear reason and decodes eagerly.
/// </summary>
public static class CudaGraphHelperBuilder
{
    private static readonly string[] SourceNames = ["lem_cuda_graphs.cpp", "lem_fused_ops.cpp", "lem_decode_kernels.cpp"];

    private static readonly object BuildLock = new();

    /// <summary>Builds (or finds in the cache) the helper for the libtorch in <paramref name="torchLibFolder"/>.</summary>
    /// <param name="torchLibFolder">The folder holding libtorch_cuda.so (for a Python install: site-packages/torch/lib).</param>
    /// <param name="cacheRoot">Cache folder (for example ~/.cache/lem/native).</param>
    /// <returns>The path of the built shared library.</returns>
    public static string EnsureBuilt(string torchLibFolder, string cacheRoot, Action<string>? log = null)
    {
        lock (BuildLock) // data-parallel workers load their replicas at the same time
            return Build(torchLibFolder, cacheRoot, log);
    }

    private static string Build(string torchLibFolder, string cacheRoot, Action<string>? log)
    {
        var nvrtc = FindNvrtcLibrary(Path.GetDirectoryName(Path.GetFullPath(torchLibFolder).TrimEnd('/'))!);
        var sources = SourceNames.Select(name => (Name: name, Text: ReadSource(name))).ToArray();
        // the decode kernels open libnvrtc at run time: at the path found here, else by soname
        if (nvrtc is not null)
            sources = sources.Select(s => s.Name == "lem_decode_kernels.cpp" ? (s.Name, $"#define LEM_NVRTC_LIBRARY \"{nvrtc}\"\n" + s.Text) : s).ToArray();
        var torchRoot = Path.GetDirectoryName(Path.GetFullPath(torchLibFolder).TrimEnd('/'))!;
        var includeDir = Path.Combine(torchRoot, "include");
        if (!File.Exists(Path.Combine(includeDir, "ATen", "cuda", "CUDAGraph.h")))
            throw new CudaGraphException($"CUDA graphs need the libtorch C++ headers, but {includeDir}/ATen/cuda/CUDAGraph.h is missing. Remedy: use a PyTorch or libtorch installation that ships its include/ folder, or set torchsharp.cuda_graphs = false.");
        if (!File.Exists(Path.Combine(torchLibFolder, "libtorch_cuda.so")))
            throw new CudaGraphException($"CUDA graphs need a CUDA libtorch, but {torchLibFolder}/libtorch_cuda.so is missing. Remedy: point torchsharp.libtorch_path (or LD_LIBRARY_PATH) at a CUDA-enabled libtorch.");
        var cudaInclude = FindCudaInclude(torchRoot)
            ?? throw new CudaGraphException("CUDA graphs need the CUDA runtime headers (cuda_runtime_api.h), found neither in $CUDA_HOME/include, /usr/local/cuda/include nor in the Python nvidia packages. Remedy: install the CUDA toolkit headers or set CUDA_HOME, or set torchsharp.cuda_graphs = false.");
        var cxx11Abi = UsesCxx11Abi(Path.Combine(torchLibFolder, "libc10.so")) ? 1 : 0;

        var key = Hash(string.Join("|", sources.Select(s => s.Text)) + "|" + TorchVersionText(torchRoot) + "|" + Path.GetFullPath(torchLibFolder) + "|abi" + cxx11Abi);
        var outDir = Path.Combine(cacheRoot, "cuda-graphs-" + key);
        var library = Path.Combine(outDir, "liblem_cuda_graphs.so");
        if (File.Exists(library)) return library;

        Directory.CreateDirectory(outDir);
        var unique = Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        var sourcePaths = sources.Select(s => Path.Combine(outDir, Path.GetFileNameWithoutExtension(s.Name) + "." + unique + ".cpp")).ToArray();
        for (var i = 0; i < sources.Length; i++) File.WriteAllText(sourcePaths[i], sources[i].Text);
        var temp = library + "." + unique + ".tmp";
        string Args(bool threadLocal) => string.Join(' ',
            "-O2 -std=c++17 -shared -fPIC", $"-D_GLIBCXX_USE_CXX11_ABI={cxx11Abi}", $"-DLEM_CAPTURE_THREAD_LOCAL={(threadLocal ? 1 : 0)}",
            Quote("-I" + includeDir), Quote("-I" + Path.Combine(includeDir, "torch", "csrc", "api", "include")), Quote("-I" + cudaInclude),
            string.Join(' ', sourcePaths.Select(Quote)), "-o", Quote(temp),
            Quote("-L" + torchLibFolder), Quote("-Wl,-rpath," + torchLibFolder), "-lc10 -lc10_cuda -ltorch_cpu -ltorch_cuda");
        log?.Invoke($"building the CUDA graph helper: g++ {Args(true)}");
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var (code, output) = RunCompiler(Args(true));
            if (code != 0 && output.Contains("capture_begin", StringComparison.Ordinal))
            {
                // only a libtorch without CUDAGraph::capture_begin(pool, mode) gets the retry; other errors are reported as they are
                log?.Invoke("thread-local capture mode did not compile against this libtorch; building with its default (global) capture mode");
                (code, output) = RunCompiler(Args(false));
            }
            if (code != 0)
                throw new CudaGraphException($"compiling the native helper failed (g++ exit {code}): {LastLines(output, 6)} Remedy: check that g++ matches the libtorch build, or set torchsharp.cuda_graphs = false.");
            File.Move(temp, library, overwrite: true);
        }
        finally
        {
            foreach (var path in sourcePaths) File.Delete(path);
        }
        log?.Invoke($"built {library} in {stopwatch.Elapsed.TotalSeconds:F1} s");
        return library;
    }

    private static string ReadSource(string name)
    {
        var resource = "Lem.Backends.TorchSharp.CudaGraphs.native." + name;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string? FindCudaInclude(string torchRoot)
    {
        var candidates = new List<string>();
        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } home) candidates.Add(Path.Combine(home, "include"));
        candidates.Add("/usr/local/cuda/include");
        // pip wheels of PyTorch bring the runtime headers in site-packages/nvidia/cuda_runtime/include
        var sitePackages = Path.GetDirectoryName(torchRoot);
        if (sitePackages is not null)
        {
            candidates.Add(Path.Combine(sitePackages, "nvidia", "cuda_runtime", "include"));
            candidates.Add(Path.Combine(sitePackages, "nvidia", "cu13", "include"));
        }
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "cuda_runtime_api.h")));
    }

    /// <summary>libnvrtc of the PyTorch installation's nvidia packages or of a CUDA toolkit; null when none is found.</summary>
    private static string? FindNvrtcLibrary(string torchRoot)
    {
        var folders = new List<string>();
        if (Path.GetDirectoryName(torchRoot) is { } sitePackages && Directory.Exists(Path.Combine(sitePackages, "nvidia")))
            folders.AddRange(Directory.GetDirectories(Path.Combine(sitePackages, "nvidia")).Select(d => Path.Combine(d, "lib")));
        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } home) folders.Add(Path.Combine(home, "lib64"));
        folders.Add("/usr/local/cuda/lib64");
        return folders.Where(Directory.Exists)
            .SelectMany(f => Directory.GetFiles(f, "libnvrtc.so*").Order(StringComparer.Ordinal))
            .FirstOrDefault(f => !f.Contains("builtins", StringComparison.Ordinal) && !f.Contains('"'));
    }

    private static bool UsesCxx11Abi(string libc10)
    {
        if (!File.Exists(libc10)) return true;
        var bytes = File.ReadAllBytes(libc10);
        return bytes.AsSpan().IndexOf("__cxx11"u8) >= 0;
    }

    private static string TorchVersionText(string torchRoot)
    {
        foreach (var candidate in new[] { Path.Combine(torchRoot, "version.py"), Path.Combine(torchRoot, "build-version") })
            if (File.Exists(candidate)) return File.ReadAllText(candidate);
        return "unknown";
    }

    private static (int Code, string Output) RunCompiler(string args)
    {
        var compiler = Environment.GetEnvironmentVariable("CXX") is { Length: > 0 } cxx ? cxx : "g++";
        var info = new ProcessStartInfo(compiler, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CudaGraphException($"CUDA graphs need a C++ compiler, but '{compiler}' was not found. Remedy: install g++ (Debian/Ubuntu: apt-get install g++) or set torchsharp.cuda_graphs = false.");
        }
    }

    private static string LastLines(string text, int count) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(count));

    private static string Quote(string s) => s.Contains(' ') ? "\"" + s + "\"" : s;

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
}
