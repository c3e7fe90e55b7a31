using Lem.Backends.TorchSharp.Runtime;

namespace Lem.Backends.TorchSharp.Tests.Runtime;

public sealed class CudaLibtorchLocatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lem-libtorch-").FullName;

    private string TorchLib(string relative, bool cuda = true)
    {
        string dir = Path.Combine(_root, relative);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "libtorch.so"), "");
        File.WriteAllText(Path.Combine(dir, "libtorch_cpu.so"), "");
        if (cuda)
            File.WriteAllText(Path.Combine(dir, "libtorch_cuda.so"), "");
        return dir;
    }

    private CudaLibtorchLocator Locator(string? ldLibraryPath = null, string? pythonTorch = null, params string[] globs) =>
        new(name => name == "LD_LIBRARY_PATH" ? ldLibraryPath : null, () => pythonTorch, globs.Select(g => Path.Combine(_root, g)).ToList());

    [Fact]
    public void Finds_a_virtual_environment_by_pattern()
    {
        string lib = TorchLib("opt/torch/.venv/lib/python3.12/site-packages/torch/lib");
        var found = Locator(globs: "opt/torch/.venv/lib/python3*/site-packages/torch/lib").Find(null);
        Assert.Equal(new LibtorchLocation(lib, "virtual environment"), found);
    }

    [Fact]
    public void A_cpu_only_libtorch_is_not_a_cuda_libtorch()
    {
        TorchLib("venv/lib/python3.11/site-packages/torch/lib", cuda: false);
        Assert.Null(Locator(globs: "venv/lib/python3*/site-packages/torch/lib").Find(null));
    }

    [Fact]
    public void Configured_path_wins_and_may_name_the_torch_package_folder()
    {
        string configured = TorchLib("mine/torch/lib");
        TorchLib("venv/lib/python3.12/site-packages/torch/lib");
        string onPath = TorchLib("ld/lib");
        var locator = Locator(ldLibraryPath: onPath, globs: "venv/lib/python3*/site-packages/torch/lib");

        Assert.Equal(new LibtorchLocation(configured, "torchsharp.libtorch_path"), locator.Find(Path.Combine(_root, "mine/torch")));
        Assert.Equal(new LibtorchLocation(onPath, "LD_LIBRARY_PATH"), locator.Find(null));
    }

    [Fact]
    public void Python_torch_comes_before_virtual_environments()
    {
        string py = TorchLib("py/site-packages/torch/lib");
        TorchLib("venv/lib/python3.12/site-packages/torch/lib");
        var found = Locator(pythonTorch: Path.Combine(_root, "py/site-packages/torch"), globs: "venv/lib/python3*/site-packages/torch/lib").Find(null);
        Assert.Equal(new LibtorchLocation(py, "python3 torch"), found);
    }

    [Fact]
    public void Knows_whether_a_folder_is_on_LD_LIBRARY_PATH()
    {
        string lib = TorchLib("a/lib");
        var locator = Locator(ldLibraryPath: $"/usr/lib:{lib}/");
        Assert.True(locator.IsOnLdLibraryPath(lib));
        Assert.False(locator.IsOnLdLibraryPath(Path.Combine(_root, "b")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
