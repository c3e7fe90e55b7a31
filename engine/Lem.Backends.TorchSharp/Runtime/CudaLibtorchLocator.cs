using System.Diagnostics;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>
/// Finds a CUDA-enabled libtorch: the configured <c>torchsharp.libtorch_path</c>, a folder on LD_LIBRARY_PATH,
/// the PyTorch that <c>python3</c> imports, or a PyTorch in a common virtual environment. The environment, the
/// python probe and the filesystem roots are injectable so tests can lay out a fake tree.
/// </summary>
public sealed class CudaLibtorchLocator
{
    public const string CudaLibraryFile = "libtorch_cuda.so";

    private readonly Func<string, string?> _getEnv;
    private readonly Func<string?> _pythonTorchPackageDir;
    private readonly IReadOnlyList<string> _venvGlobs;

    /// <param name="getEnv">Reads an environment variable.</param>
    /// <param name="pythonTorchPackageDir">Returns the folder of the <c>torch</c> Python package, or null.</param>
    /// <param name="venvGlobs">Patterns of torch/lib folders with one <c>*</c> per path segment at most (<c>/opt/torch/.venv/lib/python3*/site-packages/torch/lib</c>).</param>
    public CudaLibtorchLocator(Func<string, string?> getEnv, Func<string?> pythonTorchPackageDir, IReadOnlyList<string> venvGlobs)
    {
        _getEnv = getEnv;
        _pythonTorchPackageDir = pythonTorchPackageDir;
        _venvGlobs = venvGlobs;
    }

    /// <summary>The real environment, python3 on PATH and the usual virtual-environment places.</summary>
    public static CudaLibtorchLocator ForThisMachine()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var globs = new List<string>();
        string? venv = Environment.GetEnvironmentVariable("VIRTUAL_ENV");
        if (!string.IsNullOrEmpty(venv))
            globs.Add(Path.Combine(venv, "lib/python3*/site-packages/torch/lib"));
        globs.Add("/opt/torch/.venv/lib/python3*/site-packages/torch/lib");
        globs.Add(Path.Combine(home, ".venv/lib/python3*/site-packages/torch/lib"));
        globs.Add("/usr/local/lib/python3*/dist-packages/torch/lib");
        globs.Add("/usr/lib/python3/dist-packages/torch/lib");
        return new CudaLibtorchLocator(Environment.GetEnvironmentVariable, PythonTorchPackageDir, globs);
    }

    /// <summary>The first CUDA libtorch found, in the order configured path, LD_LIBRARY_PATH, python3, virtual environments.</summary>
    public LibtorchLocation? Find(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            // A configured path may name the torch package folder or its lib/ folder.
            foreach (string dir in new[] { configuredPath, Path.Combine(configuredPath, "lib") })
                if (HasCudaLibtorch(dir))
                    return new LibtorchLocation(Path.GetFullPath(dir), "torchsharp.libtorch_path");
        }
        foreach (string dir in LdLibraryPath())
            if (HasCudaLibtorch(dir))
                return new LibtorchLocation(Path.GetFullPath(dir), "LD_LIBRARY_PATH");
        string? torchPackage = _pythonTorchPackageDir();
        if (torchPackage is not null && HasCudaLibtorch(Path.Combine(torchPackage, "lib")))
            return new LibtorchLocation(Path.GetFullPath(Path.Combine(torchPackage, "lib")), "python3 torch");
        foreach (string pattern in _venvGlobs)
            foreach (string dir in ExpandGlob(pattern))
                if (HasCudaLibtorch(dir))
                    return new LibtorchLocation(Path.GetFullPath(dir), "virtual environment");
        return null;
    }

    /// <summary>True when <paramref name="dir"/> is one of the LD_LIBRARY_PATH entries.</summary>
    public bool IsOnLdLibraryPath(string dir)
    {
        string full = Path.GetFullPath(dir).TrimEnd('/');
        return LdLibraryPath().Any(d => Path.GetFullPath(d).TrimEnd('/') == full);
    }

    private IEnumerable<string> LdLibraryPath() =>
        (_getEnv("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);

    private static bool HasCudaLibtorch(string dir) =>
        File.Exists(Path.Combine(dir, CudaLibraryFile)) && File.Exists(Path.Combine(dir, "libtorch.so"));

    /// <summary>Expands <c>*</c> within single path segments (no <c>**</c>).</summary>
    internal static IEnumerable<string> ExpandGlob(string pattern)
    {
        string[] segments = pattern.Split('/');
        IEnumerable<string> current = new[] { pattern.StartsWith('/') ? "/" : "." };
        foreach (string segment in segments.Where(s => s.Length > 0))
        {
            if (segment.Contains('*'))
                current = current.Where(Directory.Exists)
                    .SelectMany(d => Directory.EnumerateDirectories(d, segment))
                    .OrderBy(d => d, StringComparer.Ordinal)
                    .ToList();
            else
                current = current.Select(d => Path.Combine(d, segment)).ToList();
        }
        return current.Where(Directory.Exists);
    }

    /// <summary>Asks <c>python3</c> where its torch package is; null when there is no python3 or no torch.</summary>
    public static string? PythonTorchPackageDir()
    {
        try
        {
            var start = new ProcessStartInfo("python3", ["-c", "import torch, os; print(os.path.dirname(torch.__file__))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
                return null;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            string dir = output.Result.Trim();
            return process.ExitCode == 0 && Directory.Exists(dir) ? dir : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no python3 on PATH
        }
    }
}
