using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Meters.Nvml;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Estimates;
using Lem.Engine.Tests.Meters.Nvml;
using Lem.Engine.Tests.Meters.Rapl;

namespace Lem.Engine.Tests.Measurement;

public class MeterSetTests
{
    [Fact]
    public void Gpu_measured_cpu_and_ram_estimated_without_rapl()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 4);
        proc.Stat(100, 900);
        proc.MemTotalKb(8 * 1024 * 1024);
        using var tree = new FakePowercapTree();
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock, new FakeGpu("GPU-aaaa", "00000000:1B:00.0"));
        var options = new MeterOptions(["cuda:0"], SampleIntervalMs: 0, PowercapRoot: tree.Root, ProcRoot: proc.Root, Carbon: new CarbonSettings(Region: "DE", Pue: 1.1));
        using var set = MeterSet.Create(options, nvml.Platforms(), _ => null, clock);

        Assert.Equal(["nvml", "cpu-estimate", "ram-estimate"], set.Meters.Select(m => m.Name));
        var text = set.RenderHealth();
        Assert.Contains("measured     nvml: gpu:0", text);
        Assert.Contains("update period 125 ms", text);
        Assert.Contains("unavailable  rapl: No RAPL zones", text);
        Assert.Contains("estimated    cpu-estimate", text);
        Assert.Contains("estimated    ram-estimate", text);

        var window = set.BeginWindow("run");
        proc.Stat(600, 1400);
        clock.Advance(2);
        var m = window.End();
        Assert.Equal(600.0, m.Energy.Single(f => f.Component == "gpu:0").EnergyJ);
        Assert.Equal(EnergySource.Estimated, m.Energy.Single(f => f.Component == "cpu").Source);
        Assert.Equal(EnergySource.Estimated, m.Energy.Single(f => f.Component == "ram").Source);
        var measuredOnly = m.TotalEnergyJ(f => f.Source == EnergySource.MeasuredCounter);
        Assert.Equal(600.0, measuredOnly);
    }

    [Fact]
    public void The_process_meter_takes_part_where_proc_has_the_process()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 4);
        proc.Stat(100, 900, 4);
        proc.MemTotalKb(8 * 1024 * 1024);
        proc.Process(Environment.ProcessId, 10, 5, rssKb: 1024 * 1024);
        using var tree = new FakePowercapTree();
        using var set = MeterSet.Create(new MeterOptions(["cpu"], PowercapRoot: tree.Root, ProcRoot: proc.Root), environment: _ => null, clock: new ManualClock());
        Assert.Equal(["cpu-estimate", "ram-estimate", "process"], set.Meters.Select(m => m.Name));
        Assert.NotNull(set.Process);
        Assert.Contains($"measured     process: CPU time and resident set of lem process {Environment.ProcessId}", set.RenderHealth());
    }

    [Fact]
    public void Rapl_replaces_estimates_where_it_measures()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 4);
        proc.Stat(100, 900);
        proc.MemTotalKb(8 * 1024 * 1024);
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0);
        using var set = MeterSet.Create(new MeterOptions(["cpu"], PowercapRoot: tree.Root, ProcRoot: proc.Root), environment: _ => null, clock: new ManualClock());
        Assert.Null(set.Gpu);
        Assert.Equal(["rapl", "ram-estimate"], set.Meters.Select(m => m.Name));
        Assert.Contains("not used     nvml", set.RenderHealth());
    }

    [Fact]
    public void Missing_driver_keeps_the_gpu_meter_so_results_say_unavailable()
    {
        using var proc = new FakeProc();
        using var tree = new FakePowercapTree();
        var nvml = new FakeNvml(new ManualClock()) { InitResult = NvmlReturn.LibraryNotFound };
        using var set = MeterSet.Create(new MeterOptions(["cuda:0"], PowercapRoot: tree.Root, ProcRoot: proc.Root), nvml.Platforms(), _ => null, new ManualClock());
        Assert.Equal("nvml", set.Meters[0].Name);
        Assert.Contains("unavailable  nvml: NVML library libnvidia-ml.so.1 not found", set.RenderHealth());
        var m = set.Measure("run", () => { });
        Assert.Null(m.Energy.Single(f => f.Component == "gpu:0").EnergyJ);
    }

    [Fact]
    public void Cuda_visible_devices_is_read_from_the_environment()
    {
        using var proc = new FakeProc();
        using var tree = new FakePowercapTree();
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock, new FakeGpu("GPU-aaaa", "00000000:1B:00.0"), new FakeGpu("GPU-bbbb", "00000000:41:00.0"));
        using var set = MeterSet.Create(new MeterOptions(["cuda:0"], SampleIntervalMs: 0, PowercapRoot: tree.Root, ProcRoot: proc.Root), nvml.Platforms(),
            name => name == "CUDA_VISIBLE_DEVICES" ? "1" : null, clock);
        Assert.Equal("GPU-bbbb", Assert.Single(set.Gpu!.Gpus).Uuid);
    }

    [Fact]
    public async Task Carbon_uses_the_configured_settings()
    {
        using var proc = new FakeProc();
        using var tree = new FakePowercapTree();
        using var set = MeterSet.Create(new MeterOptions(["cpu"], PowercapRoot: tree.Root, ProcRoot: proc.Root, Carbon: new CarbonSettings(Region: "SE", Pue: 1.5)),
            environment: _ => null, clock: new ManualClock());
        var intensity = await set.ResolveCarbonIntensityAsync();
        Assert.Equal(CarbonIntensitySource.Table, intensity.Source);
        var co2 = set.Carbon(3.6e6, intensity);
        Assert.Equal(1.5 * 46, co2.Co2G!.Value, 9);
        Assert.Contains("Carbon", set.RenderHealth(intensity));
    }
}
