using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;
using Lem.Engine.Tests.Meters.Nvml;
using Lem.Engine.Tests.Meters.Rapl;

namespace Lem.Engine.Tests.Meters.Gpu;

/// <summary>
/// The GPU meter, the sampler, the meter set and the environment over a second vendor that is not NVML
/// (<see cref="FakeVendorPlatform"/>): the same figures and metric names, in that vendor's words.
/// </summary>
public class AnotherVendorTests
{
    private static GpuMeter Open(FakeVendorPlatform platform, ManualClock clock, TimeSpan? sampleInterval = null, bool keepSeries = false) =>
        GpuMeter.Open(platform, new GpuMeterOptions(["cuda:0"], sampleInterval, keepSeries), clock);

    [Fact]
    public void Window_energy_is_the_other_vendors_counter_delta_under_the_same_metric_names()
    {
        var clock = new ManualClock();
        var platform = FakeVendorPlatform.WithOne(clock);
        using var meter = Open(platform, clock);
        Assert.Equal("fakesmi", meter.Name);
        Assert.True(meter.Health.Available);
        Assert.Contains("gpu:0 Fake Accelerator 300X (FAKE-0000-aaaa, 00000000:C1:00.0): energy counter, update period 100 ms", meter.Health.Measures);

        meter.BeginWindow("w");
        clock.Advance(2);
        var result = meter.EndWindow();

        Assert.Equal("fakesmi", result.MeterName);
        var figure = Assert.Single(result.Energy);
        Assert.Equal(("gpu:0", EnergySource.MeasuredCounter, "fakesmi_get_energy_count delta"), (figure.Component, figure.Source, figure.Method));
        Assert.Equal(1000.0, figure.EnergyJ!.Value, 6); // 500 W × 2 s
        Assert.False(figure.LowConfidence);
        Assert.Equal(500.0, result.Metrics["gpu0_avg_power_w"], 6);
        Assert.Equal(750.0, result.Metrics["gpu0_power_limit_w"]);
        Assert.Equal(55.0, result.Metrics["gpu0_temperature_end_c"]);
    }

    [Fact]
    public void The_sampler_reads_the_other_vendor_never_asks_for_instant_power_it_lacks_and_names_its_throttling()
    {
        var clock = new ManualClock();
        var platform = FakeVendorPlatform.WithOne(clock, d => d.VendorStatus = FakeVendorDevice.Status.PackagePowerTracking | FakeVendorDevice.Status.Idle);
        using var meter = Open(platform, clock, TimeSpan.FromMilliseconds(10), keepSeries: true);
        meter.BeginWindow("w");
        clock.Advance(0.4);
        var result = meter.EndWindow();

        Assert.Equal(42, result.Metrics["gpu0_sample_count"]);
        Assert.Equal(500 * 0.4, result.Metrics["gpu0_energy_samples_avg_power_j"], 6);
        Assert.DoesNotContain("gpu0_energy_samples_instant_power_j", result.Metrics.Keys);
        Assert.Equal(0, platform.Devices[0].InstantPowerCalls);
        Assert.Equal(0.4, result.Metrics["gpu0_throttle_sw_power_cap_s"], 9);
        Assert.Equal(0, result.Metrics["gpu0_throttle_hw_thermal_s"]);
        var throttled = Assert.Single(result.WarningDetails!, w => w.Code == "gpu-throttled");
        Assert.Contains("(fakesmi-cli metric --throttle)", throttled.Remedy);
        // the vendor's idle bit is masked out of the recorded reasons, as NVML's is
        Assert.All(result.TimeSeries.Where(p => p.Series == "gpu0_clock_event_reasons_mask"),
            p => Assert.Equal((double)GpuThrottleReasons.SoftwarePowerCap, p.Value));
        Assert.Equal(0, clock.RunningLoops);
    }

    [Fact]
    public void A_partitioned_gpu_of_the_other_vendor_says_so_in_its_words()
    {
        var clock = new ManualClock();
        using var meter = Open(FakeVendorPlatform.WithOne(clock, d => d.PartitionInstance = "CP-3"), clock);
        Assert.Contains("compute partition enabled, per-instance energy unavailable", meter.Health.Measures);
        meter.BeginWindow("w");
        clock.Advance(2);
        var result = meter.EndWindow();
        Assert.Equal(EnergySource.Unavailable, Assert.Single(result.Energy).Source);
        Assert.Equal(1000.0, result.Metrics["gpu0_whole_device_energy_j"], 6);
        var warning = Assert.Single(result.WarningDetails!, w => w.Code == "mig-energy-unavailable");
        Assert.Contains("gpu:0 is compute partition instance CP-3: FakeSMI reports energy only for the whole GPU", warning.Cause);
        Assert.Contains("(fakesmi-cli set --partition off)", warning.Remedy);
    }

    [Fact]
    public void Without_a_counter_the_other_vendors_power_samples_are_integrated()
    {
        var clock = new ManualClock();
        using var meter = Open(FakeVendorPlatform.WithOne(clock, d => d.HasEnergyCounter = false), clock, TimeSpan.FromMilliseconds(10));
        Assert.Contains("no energy counter (before FA100), power samples only", meter.Health.Measures);
        meter.BeginWindow("w");
        clock.Advance(0.1);
        var figure = Assert.Single(meter.EndWindow().Energy);
        Assert.Equal((EnergySource.MeasuredSamples, "trapezoid integral of fakesmi_get_power_info samples"), (figure.Source, figure.Method));
        Assert.Equal(500 * 0.1, figure.EnergyJ!.Value, 6);
    }

    [Fact]
    public void The_platform_maps_devices_by_its_own_variables_and_its_errors_make_the_meter_unavailable()
    {
        var clock = new ManualClock();
        var platform = new FakeVendorPlatform(
            new FakeVendorDevice(clock, "gpu:0", "FAKE-0", "00000000:C1:00.0"),
            new FakeVendorDevice(clock, "gpu:1", "FAKE-1", "00000000:C2:00.0"));
        var options = new GpuMeterOptions(["cuda:0"], null, Environment: name => name == "FAKE_VISIBLE_DEVICES" ? "1" : null);
        using (var meter = GpuMeter.Open(platform, options, clock))
            Assert.Equal("FAKE-1", Assert.Single(meter.Gpus).Uuid);
        Assert.Equal(1, platform.ShutdownCalls);

        using var missing = GpuMeter.Open(platform, options with { Devices = ["cuda:1"] }, clock);
        Assert.False(missing.Health.Available);
        Assert.Equal("device 'cuda:1': fakesmi sees 1 device(s).", missing.Health.UnavailableReason);
        Assert.Equal(2, platform.ShutdownCalls);
    }

    [Fact]
    public void The_meter_set_meters_with_the_first_platform_whose_library_starts()
    {
        using var tree = new FakePowercapTree();
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock) { InitResult = Lem.Engine.Meters.Nvml.NvmlReturn.LibraryNotFound };
        var fake = FakeVendorPlatform.WithOne(clock);
        var options = new MeterOptions(["cuda:0"], SampleIntervalMs: 0, PowercapRoot: tree.Root, ProcRoot: tree.Root);

        using (var set = MeterSet.Create(options, [.. nvml.Platforms(), fake], _ => null, clock))
        {
            Assert.Equal("fakesmi", set.Meters[0].Name);
            Assert.Contains("measured     fakesmi: gpu:0 Fake Accelerator 300X", set.RenderHealth());
            var window = set.BeginWindow("run");
            clock.Advance(2);
            Assert.Equal(1000.0, window.End().Energy.Single(f => f.Component == "gpu:0").EnergyJ!.Value, 6);
        }
        Assert.Equal((1, 1), (nvml.InitCalls, fake.ShutdownCalls));

        using var none = MeterSet.Create(options, [.. nvml.Platforms(), FakeVendorPlatform.Missing()], _ => null, clock);
        Assert.Equal("nvml", none.Meters[0].Name);
        // each platform's reason after its name
        Assert.Contains("unavailable  nvml: nvml: NVML library libnvidia-ml.so.1 not found. Remedy: install the NVIDIA driver, "
            + "or run on a machine with an NVIDIA GPU; GPU energy is reported as unavailable. fakesmi: FakeSMI library libfakesmi.so not found.", none.RenderHealth());
    }

    [Fact]
    public void The_environment_lists_the_other_vendors_gpus_and_driver()
    {
        var clock = new ManualClock();
        var fake = new FakeVendorPlatform(
            new FakeVendorDevice(clock, "gpu:0", "FAKE-1", "00000000:C2:00.0") { PartitionModeEnabled = true },
            new FakeVendorDevice(clock, "gpu:1", "FAKE-0", "00000000:C1:00.0"));
        var env = EnvironmentInfo.Collect([FakeVendorPlatform.Missing(), fake]);
        Assert.Equal(("fake-6.10.5", "7.1"), (env.GpuDriverVersion, env.CudaDriverVersion));
        Assert.Equal(["FAKE-0", "FAKE-1"], env.Gpus.Select(g => g.Uuid)); // PCI order
        Assert.Equal([false, true], env.Gpus.Select(g => g.MigEnabled));
        Assert.Equal(750, env.Gpus[0].PowerLimitW);
        Assert.Null(env.Gpus[0].PersistenceMode);
        Assert.Equal(1, fake.ShutdownCalls);

        var none = EnvironmentInfo.Collect([FakeVendorPlatform.Missing()]);
        Assert.Empty(none.Gpus);
        Assert.Equal("fakesmi_init failed: not found", none.GpuUnavailableReason);
    }

    [Fact]
    public void The_call_costs_name_the_other_vendors_calls_and_skip_readings_it_has_no_call_for()
    {
        var device = FakeVendorPlatform.WithOne(new ManualClock()).Devices[0];
        var costs = GpuCallCost.Measure(device, FakeVendorPlatform.FakeTerms, repeats: 3);
        Assert.Equal(["fakesmi_get_energy_count", "fakesmi_get_power_info"], costs.Select(c => c.Call));
    }

    [Fact]
    public void Sampling_the_other_vendor_allocates_nothing_per_sample()
    {
        var clock = new ManualClock(0);
        var platform = new FakeVendorPlatform(
            new FakeVendorDevice(clock, "gpu:0", "FAKE-0", "00000000:C1:00.0"),
            new FakeVendorDevice(clock, "gpu:1", "FAKE-1", "00000000:C2:00.0"));
        using var sampler = new GpuSampler(platform.Devices, clock, TimeSpan.FromMilliseconds(100));
        sampler.SampleOnce(); // warm up JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++) sampler.SampleOnce();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(501, sampler.Buffers[1].Count);
    }
}
