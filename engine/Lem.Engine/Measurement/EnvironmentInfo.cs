using System.Reflection;
using System.Runtime.InteropServices;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Measurement;

/// <summary>The validity metadata stored with every result: tool, OS, kernel, .NET, CPU, container, GPUs and driver.</summary>
public sealed record EnvironmentInfo(
    string ToolVersion,
    string Os,
    string Kernel,
    string DotNet,
    string CpuModel,
    int CpuSockets,
    int LogicalCpus,
    string? CpuGovernor,
    bool InContainer,
    string? ContainerEvidence,
    string? GpuDriverVersion,
    string? CudaDriverVersion,
    IReadOnlyList<GpuEnvironment> Gpus,
    string? GpuUnavailableReason)
{
    /// <summary>Reads the environment; the GPUs through the first of <paramref name="gpuPlatforms"/> that starts. With
    /// <paramref name="gpuPlatforms"/> null no GPU is queried (CPU-only runs, tests without a fake).</summary>
    public static EnvironmentInfo Collect(IReadOnlyList<IGpuPlatform>? gpuPlatforms = null, EnvironmentPaths? paths = null)
    {
        paths ??= new EnvironmentPaths();
        var cpu = CpuInfo.Read(paths.P("/proc"));
        var (inContainer, evidence) = DetectContainer(paths);
        var (driver, cuda, gpus, gpuWhy) = gpuPlatforms is null ? (null, null, [], "GPUs not queried") : ReadGpus(gpuPlatforms);
        return new EnvironmentInfo(
            CurrentToolVersion(),
            OsName(paths),
            ReadTrimmed(paths.P("/proc/sys/kernel/osrelease")) ?? RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            cpu.ModelName,
            cpu.Sockets,
            cpu.LogicalCpus,
            ReadTrimmed(paths.P("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")),
            inContainer,
            evidence,
            driver,
            cuda,
            gpus,
            gpuWhy);
    }

    public static string CurrentToolVersion()
    {
        var assembly = typeof(EnvironmentInfo).Assembly;
        return assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
    }

    /// <summary>Docker (/.dockerenv), Podman (/run/.containerenv), or a container runtime named in /proc/1/cgroup.</summary>
    public static (bool InContainer, string? Evidence) DetectContainer(EnvironmentPaths paths)
    {
        if (File.Exists(paths.P("/.dockerenv"))) return (true, "/.dockerenv exists");
        if (File.Exists(paths.P("/run/.containerenv"))) return (true, "/run/.containerenv exists");
        var cgroup = ReadTrimmed(paths.P("/proc/1/cgroup"));
        if (cgroup is not null)
        {
            foreach (var word in new[] { "docker", "kubepods", "containerd", "libpod", "lxc" })
                if (cgroup.Contains(word, StringComparison.Ordinal)) return (true, $"/proc/1/cgroup mentions {word}");
        }
        return (false, null);
    }

    private static (string?, string?, IReadOnlyList<GpuEnvironment>, string?) ReadGpus(IReadOnlyList<IGpuPlatform> platforms)
    {
        var start = GpuPlatformStart.First(platforms);
        if (start.Started is not { } platform) return (null, null, [], start.Brief);
        try
        {
            var facts = platform.DriverFacts();
            var opened = platform.Open(null, _ => null);
            var gpus = opened.Devices
                .OrderBy(g => g.PciBusId, StringComparer.Ordinal)
                .Select(g => new GpuEnvironment(g.Name, g.Uuid, g.PciBusId, g.ReadPowerLimitW(), g.ReadPersistenceMode(), g.PartitionModeEnabled))
                .ToArray();
            return (facts.DriverVersion, facts.RuntimeVersion, gpus, opened.Errors.Count > 0 ? string.Join(" ", opened.Errors) : null);
        }
        finally
        {
            platform.Shutdown();
        }
    }

    private static string OsName(EnvironmentPaths paths)
    {
        var text = ReadTrimmed(paths.P("/etc/os-release"));
        var line = text?.Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.OSDescription : line["PRETTY_NAME=".Length..].Trim('"');
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Lines for <c>lem env</c>.</summary>
    public string Render()
    {
        var lines = new List<string>
        {
            $"tool        {ToolVersion}",
            $"os          {Os}, kernel {Kernel}",
            $".NET        {DotNet}",
            $"cpu         {CpuModel}, {CpuSockets} socket(s), {LogicalCpus} logical CPUs, governor {CpuGovernor ?? "unknown (no cpufreq)"}",
            $"container   {(InContainer ? "yes (" + ContainerEvidence + ")" : "not detected")}",
            $"gpu driver  {GpuDriverVersion ?? "none"}, CUDA {CudaDriverVersion ?? "none"}",
        };
        foreach (var g in Gpus)
            lines.Add($"gpu         {g.Name} {g.Uuid} ({g.PciBusId}), power limit {(g.PowerLimitW is { } w ? w.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " W" : "unknown")}, "
                + $"persistence {(g.PersistenceMode is { } p ? (p ? "on" : "off") : "unknown")}, MIG {(g.MigEnabled is { } m ? (m ? "on" : "off") : "n/a")}");
        if (Gpus.Count == 0) lines.Add($"gpu         none ({GpuUnavailableReason ?? "no devices"})");
        return string.Join(Environment.NewLine, lines);
    }
}
