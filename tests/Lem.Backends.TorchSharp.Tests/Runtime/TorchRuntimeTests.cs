using Lem.Backends.TorchSharp.Runtime;
using Lem.Engine.Inference;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Cpu_loads_and_runs_an_op()
    {
        TorchRuntime.EnsureLoaded("cpu");
        using var sum = torch.ones(2, 2).sum();
        Assert.Equal(4f, sum.item<float>());
    }

    [Theory]
    [InlineData("cpu", false, 0)]
    [InlineData("CUDA", true, 0)]
    [InlineData("cuda:3", true, 3)]
    public void Parses_device_names(string device, bool cuda, int index) =>
        Assert.Equal((cuda, index), TorchRuntime.ParseDevice(device));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Unknown_device_is_one_line_with_remedy(string device)
    {
        var e = Assert.Throws<InferenceException>(() => TorchRuntime.ParseDevice(device));
        Assert.Equal($"device '{device}' is not known. Remedy: use cpu, cuda or cuda:N (for example cuda:0).", e.Message);
    }

    [Fact]
    public void Cuda_found_off_the_loader_path_says_which_export_to_run()
    {
        string message = TorchRuntime.CudaFailureMessage("libtorch_cuda.so: cannot open shared object file",
            new LibtorchLocation("/opt/torch/.venv/lib/python3.12/site-packages/torch/lib", "virtual environment"), onLdLibraryPath: false, cpuNativesFile: null);
        Assert.Equal("libtorch with CUDA could not be loaded: libtorch_cuda.so: cannot open shared object file. Remedy: a CUDA libtorch is at "
            + "/opt/torch/.venv/lib/python3.12/site-packages/torch/lib (found by virtual environment); the loader reads LD_LIBRARY_PATH only at start, "
            + "so run: export LD_LIBRARY_PATH=/opt/torch/.venv/lib/python3.12/site-packages/torch/lib:$LD_LIBRARY_PATH and start lem again.", message);
    }

    [Fact]
    public void Cuda_with_cpu_natives_beside_the_app_names_them_and_the_cuda_build()
    {
        string message = TorchRuntime.CudaFailureMessage("CUDA is not available", new LibtorchLocation("/t/lib", "LD_LIBRARY_PATH"), onLdLibraryPath: true, cpuNativesFile: "/app/libtorch_cpu.so");
        Assert.Contains("CPU-only libtorch natives (/app/libtorch_cpu.so)", message);
        Assert.Contains("-p:LemCuda=true", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Cuda_with_nothing_found_says_how_to_get_one()
    {
        string message = TorchRuntime.CudaFailureMessage("CUDA is not available", null, false, null);
        Assert.Contains("install PyTorch with CUDA", message);
        Assert.Contains(TorchRuntime.LibtorchPathOption, message);
    }

    [Fact]
    public void Cpu_natives_are_found_beside_the_app()
    {
        string app = Directory.CreateTempSubdirectory("lem-app-").FullName;
        try
        {
            Assert.Null(TorchRuntime.CpuNativesBesideApp(app));
            string native = Path.Combine(app, "runtimes", "linux-x64", "native");
            Directory.CreateDirectory(native);
            File.WriteAllText(Path.Combine(native, "libtorch_cpu.so"), "");
            Assert.Equal(Path.Combine(native, "libtorch_cpu.so"), TorchRuntime.CpuNativesBesideApp(app));
        }
        finally
        {
            Directory.Delete(app, true);
        }
    }

    [Fact]
    public void Glibcxx_load_failure_points_at_the_build_step()
    {
        var e = new DllNotFoundException("Unable to load libLibTorchSharp.so\nversion `GLIBCXX_3.4.32' not found");
        string message = TorchRuntime.CpuFailureMessage(e);
        Assert.StartsWith("libtorch could not be loaded: Unable to load libLibTorchSharp.so. Remedy: rebuild so that build/Lem.NativePatch.targets", message);
    }

    [Fact]
    public void One_line_keeps_the_innermost_cause()
    {
        var e = new InvalidOperationException("outer\nstack", new Exception("inner cause.\nmore"));
        Assert.Equal("outer (inner cause)", TorchRuntime.OneLine(e));
    }

    [Fact]
    [Trait("Category", "CUDA")]
    public void Cuda_either_loads_or_fails_with_one_line()
    {
        try
        {
            TorchRuntime.EnsureLoaded("cuda:0");
            Assert.True(torch.cuda.is_available());
        }
        catch (InferenceException e)
        {
            Assert.StartsWith("libtorch with CUDA could not be loaded: ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
