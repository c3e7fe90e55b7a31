using Lem.Engine.Measurement;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Nvml;

namespace Lem.Engine.Tests.Measurement;

public sealed class EnvironmentInfoTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lem-env-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void Collects_system_cpu_container_and_gpu_facts()
    {
        Write("/proc/cpuinfo", "processor\t: 0\nmodel name\t: AMD EPYC 7763 64-Core Processor\nphysical id\t: 0\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7763 64-Core Processor\nphysical id\t: 0\n");
        Write("/proc/sys/kernel/osrelease", "6.8.0-50-generic\n");
        Write("/etc/os-release", "NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 24.04.3 LTS\"\n");
        Write("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
        Write("/proc/1/cgroup", "0::/kubepods/burstable/pod1234\n");
        var nvml = new FakeNvml(new ManualClock(), new FakeGpu("GPU-bbbb", "00000000:41:00.0"), new FakeGpu("GPU-aaaa", "00000000:1B:00.0"));

        var env = EnvironmentInfo.Collect(nvml.Platforms(), new EnvironmentPaths(_root));

        Assert.Equal("6.8.0-50-generic", env.Kernel);
        Assert.Equal("Ubuntu 24.04.3 LTS", env.Os);
        Assert.Equal("AMD EPYC 7763 64-Core Processor", env.CpuModel);
        Assert.Equal(2, env.LogicalCpus);
        Assert.Equal("performance", env.CpuGovernor);
        Assert.True(env.InContainer);
        Assert.Contains("kubepods", env.ContainerEvidence);
        Assert.Equal("580.159.04", env.GpuDriverVersion);
        Assert.Equal("13.0", env.CudaDriverVersion);
        Assert.Equal(["GPU-aaaa", "GPU-bbbb"], env.Gpus.Select(g => g.Uuid)); // PCI order
        Assert.Equal(700, env.Gpus[0].PowerLimitW);
        Assert.True(env.Gpus[0].PersistenceMode);
        Assert.Equal(1, nvml.ShutdownCalls);
        Assert.Contains("governor performance", env.Render());
        Assert.StartsWith(".NET", env.DotNet);
    }

    [Fact]
    public void Missing_files_and_no_nvml_are_reported_plainly()
    {
        Directory.CreateDirectory(_root);
        var env = EnvironmentInfo.Collect(null, new EnvironmentPaths(_root));
        Assert.Null(env.CpuGovernor);
        Assert.False(env.InContainer);
        Assert.Empty(env.Gpus);
        Assert.Contains("gpu         none", env.Render());
        Write("/.dockerenv", "");
        Assert.True(EnvironmentInfo.DetectContainer(new EnvironmentPaths(_root)).InContainer);
    }
}
