using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Tests.Meters.Nvml;

/// <summary>The GPU meter over NVML (a fake NVML behind <see cref="NvmlPlatform"/>).</summary>
public class GpuMeterTests
{
    private static (GpuMeter Meter, FakeNvml Nvml, ManualClock Clock, FakeGpu Gpu) OpenOne(Action<FakeGpu>? setup = null, string device = "cuda:0")
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-aaaa-1111", "00000000:1B:00.0");
        setup?.Invoke(gpu);
        var nvml = new FakeNvml(clock, gpu);
        var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions([device], SampleInterval: null), clock);
        return (meter, nvml, clock, gpu);
    }

    [Fact]
    public void Window_energy_is_the_counter_delta()
    {
        var (meter, _, clock, _) = OpenOne();
        meter.BeginWindow("w");
        clock.Advance(2.0);
        var result = meter.EndWindow();

        var figure = Assert.Single(result.Energy);
        Assert.Equal("gpu:0", figure.Component);
        Assert.Equal(EnergySource.MeasuredCounter, figure.Source);
        Assert.Equal(600.0, figure.EnergyJ!.Value, 6); // 300 W × 2 s = 16 whole counter periods of 125 ms
        Assert.False(figure.LowConfidence);
        Assert.Equal(300.0, result.Metrics["gpu0_avg_power_w"], 6);
        Assert.Equal(16.0, result.Metrics["gpu0_window_counter_updates"], 6);
        Assert.Equal(700.0, result.Metrics["gpu0_power_limit_w"]);
    }

    [Theory]
    [InlineData(2.0, false)]
    [InlineData(6.0, true)]
    public void Averaged_power_that_disagrees_with_the_counter_warns_only_in_windows_long_enough_to_judge(double seconds, bool warns)
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-aaaa-1111", "00000000:1B:00.0");
        // samples at the two window edges only (the sampler's interval is longer than any window here)
        using var meter = GpuMeter.Open(new NvmlPlatform(new FakeNvml(clock, gpu)), new GpuMeterOptions(["cuda:0"], SampleInterval: TimeSpan.FromHours(1)), clock);
        meter.BeginWindow("w");        // the first sample reads 300 W
        gpu.SetPower(600, clock.NowS); // then the load doubles: the edge samples average 450 W, the counter counts 600 W
        clock.Advance(seconds);
        var result = meter.EndWindow();
        Assert.InRange(result.Metrics["gpu0_samples_vs_counter_rel_diff"], -0.26, -0.24);
        Assert.Equal(warns, result.WarningDetails!.Any(w => w.Code == "samples-disagree-with-counter"));
    }

    [Fact]
    public void Update_period_is_measured_at_start_up_and_stored()
    {
        var (meter, _, clock, _) = OpenOne();
        Assert.True(meter.Health.Available);
        Assert.Equal(125.0, meter.Health.UpdatePeriodMs!.Value, 6);
        meter.BeginWindow("w");
        clock.Advance(1.5);
        Assert.Equal(125.0, meter.EndWindow().Metrics["gpu0_counter_update_period_ms"], 6);
    }

    [Fact]
    public void Update_period_probe_gives_up_after_its_timeout_when_the_counter_never_changes()
    {
        var clock = new ManualClock();
        var started = clock.NowS;
        var period = UpdatePeriodProbe.MeasureMs(() => 42UL, clock, TimeSpan.FromMilliseconds(5), 5, TimeSpan.FromSeconds(2));
        Assert.Null(period);
        Assert.InRange(clock.NowS - started, 2.0, 2.01);
    }

    [Fact]
    public void Update_period_probe_averages_the_gaps_between_changes()
    {
        var clock = new ManualClock(0);
        var period = UpdatePeriodProbe.MeasureMs(() => (ulong)Math.Floor(clock.NowS / 0.1), clock, TimeSpan.FromMilliseconds(5), 5, TimeSpan.FromSeconds(2));
        Assert.Equal(100.0, period!.Value, 1);
    }

    [Fact]
    public void Window_shorter_than_ten_periods_is_low_confidence()
    {
        var (meter, _, clock, _) = OpenOne();
        meter.BeginWindow("w");
        clock.Advance(0.5);
        var result = meter.EndWindow();
        var figure = Assert.Single(result.Energy);
        Assert.Equal(EnergySource.MeasuredCounter, figure.Source);
        Assert.True(figure.LowConfidence);
        Assert.Contains(result.WarningDetails!, w => w.Code == "low-confidence-window");
        Assert.Contains(result.Warnings, w => w.StartsWith("low-confidence-window", StringComparison.Ordinal));
    }

    [Fact]
    public void Window_shorter_than_one_period_is_unavailable_never_zero()
    {
        var (meter, _, clock, _) = OpenOne();
        meter.BeginWindow("w");
        clock.Advance(0.05);
        var figure = Assert.Single(meter.EndWindow().Energy);
        Assert.Equal(EnergySource.Unavailable, figure.Source);
        Assert.Null(figure.EnergyJ);
        Assert.Contains("shorter than the counter update period", figure.Note);
    }

    [Fact]
    public void Counter_that_does_not_advance_gives_unavailable_not_zero()
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0");
        var nvml = new FakeNvml(clock, gpu);
        var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0"], null), clock);
        gpu.CounterFrozen = true;
        meter.BeginWindow("w");
        clock.Advance(3);
        var figure = Assert.Single(meter.EndWindow().Energy);
        Assert.Equal(EnergySource.Unavailable, figure.Source);
        Assert.Null(figure.EnergyJ);
    }

    [Fact]
    public void Unknown_update_period_makes_windows_low_confidence()
    {
        var (meter, _, clock, gpu) = OpenOne(g => g.CounterFrozen = true);
        Assert.Null(meter.Health.UpdatePeriodMs);
        gpu.CounterFrozen = false;
        meter.BeginWindow("w");
        clock.Advance(5);
        var result = meter.EndWindow();
        Assert.True(Assert.Single(result.Energy).LowConfidence);
        Assert.Contains(result.WarningDetails!, w => w.Code == "update-period-unknown");
    }

    [Fact]
    public void Mig_mode_is_detected_and_energy_reported_unavailable()
    {
        var (meter, _, clock, _) = OpenOne(g => g.MigEnabled = true);
        Assert.Contains("MIG enabled", meter.Health.Measures);
        meter.BeginWindow("w");
        clock.Advance(2);
        var result = meter.EndWindow();
        var figure = Assert.Single(result.Energy);
        Assert.Equal(EnergySource.Unavailable, figure.Source);
        Assert.Contains("per-instance energy is not available", figure.Note);
        Assert.Equal(600.0, result.Metrics["gpu0_whole_device_energy_j"], 6);
        Assert.Contains(result.WarningDetails!, w => w.Code == "mig-energy-unavailable");
    }

    [Fact]
    public void Missing_library_makes_the_meter_unavailable_and_windows_return_unavailable_figures()
    {
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock) { InitResult = NvmlReturn.LibraryNotFound };
        using var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0", "cuda:1"], GpuMeterOptions.DefaultSampleInterval), clock);
        Assert.False(meter.Health.Available);
        Assert.Contains("libnvidia-ml.so.1", meter.Health.UnavailableReason);
        meter.BeginWindow("w");
        clock.Advance(1);
        var result = meter.EndWindow();
        Assert.Equal(["gpu:0", "gpu:1"], result.Energy.Select(f => f.Component));
        Assert.All(result.Energy, f => Assert.Null(f.EnergyJ));
        Assert.All(result.Energy, f => Assert.Equal(EnergySource.Unavailable, f.Source));
    }

    [Fact]
    public void Init_failure_says_why()
    {
        var clock = new ManualClock();
        var nvml = new FakeNvml(clock) { InitResult = NvmlReturn.DriverNotLoaded };
        var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0"], null), clock);
        Assert.False(meter.Health.Available);
        Assert.Contains("nvmlInit failed: DriverNotLoaded", meter.Health.UnavailableReason);
    }

    [Fact]
    public void No_matching_device_makes_the_meter_unavailable()
    {
        var (meter, nvml, _, _) = OpenOne(device: "cuda:3");
        Assert.False(meter.Health.Available);
        Assert.Contains("CUDA device 3 does not exist", meter.Health.UnavailableReason);
        Assert.Equal(1, nvml.ShutdownCalls);
    }

    [Fact]
    public void Window_edges_must_alternate()
    {
        var (meter, _, _, _) = OpenOne();
        Assert.Throws<InvalidOperationException>(() => meter.EndWindow());
        meter.BeginWindow("a");
        Assert.Throws<InvalidOperationException>(() => meter.BeginWindow("b"));
    }

    [Fact]
    public void Sampler_runs_during_the_window_and_integrates_power()
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0") { UpdatePeriodS = 0.01, PowerW = 250, InstantPowerW = 240 };
        gpu.ClockEventReasons = (ulong)(GpuThrottleReasons.SoftwarePowerCap | GpuThrottleReasons.Idle);
        var nvml = new FakeNvml(clock, gpu);
        using var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0"], TimeSpan.FromMilliseconds(10), KeepTimeSeries: true), clock);
        meter.BeginWindow("w");
        clock.Advance(0.4);
        var result = meter.EndWindow();

        Assert.Equal(42, result.Metrics["gpu0_sample_count"]); // at the begin, every 10 ms in the window (40), at the end
        var duration = result.Metrics["window_duration_s"];
        Assert.Equal(0.4, duration, 9);
        Assert.Equal(250 * 0.4, result.Metrics["gpu0_energy_samples_avg_power_j"], 6);
        Assert.Equal(240 * 0.4, result.Metrics["gpu0_energy_samples_instant_power_j"], 6);
        Assert.Equal(250 * 0.4, result.Energy[0].EnergyJ!.Value, 6); // 40 whole counter periods of 10 ms
        Assert.Equal(0, result.Metrics["gpu0_samples_vs_counter_rel_diff"], 9);
        Assert.Equal(0.4, result.Metrics["gpu0_throttle_sw_power_cap_s"], 9);
        Assert.Equal(0, result.Metrics["gpu0_throttle_hw_thermal_s"]);
        Assert.Contains(result.WarningDetails!, w => w.Code == "gpu-throttled" && w.Cause.Contains("sw_power_cap"));
        Assert.Contains(result.TimeSeries, p => p.Series == "gpu0_avg_power_w" && p.Value == 250);
        // the counter series runs from the window's begin (0 J at t = 0) to its end (the window's counter energy)
        var counter = result.TimeSeries.Where(p => p.Series == "gpu0_energy_counter_j").ToList();
        Assert.Equal((0.0, 0.0), (counter[0].TimeS, counter[0].Value));
        Assert.Equal(duration, counter[^1].TimeS, 9);
        Assert.Equal(result.Energy[0].EnergyJ!.Value, counter[^1].Value, 9);
        Assert.All(counter, p => Assert.InRange(p.TimeS, 0, duration));
        // GpuIdle is masked out of the recorded reasons.
        Assert.All(result.TimeSeries.Where(p => p.Series == "gpu0_clock_event_reasons_mask"), p => Assert.Equal((double)GpuThrottleReasons.SoftwarePowerCap, p.Value));
        Assert.Equal(0, clock.RunningLoops); // the sampler stopped with the window
    }

    [Fact]
    public void A_slowly_read_counter_coarsens_the_resolution_of_the_sampled_counter_series()
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0") { UpdatePeriodS = 0.1, CounterReadDelay = TimeSpan.FromMilliseconds(2) };
        var nvml = new FakeNvml(clock, gpu);
        using var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0"], TimeSpan.FromMilliseconds(100)), clock);
        // measured when the meter opens, so that the first window's edge does not pay for it
        Assert.Equal(2, meter.CounterReadMs!.Value, 6);
        // 2 ms against 0.4 ms allowed per 100 ms sample: every fifth sample
        Assert.Equal(5, GpuSampler.CounterEveryFor(meter.CounterReadMs.Value, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("energy counter sampled every 500 ms", meter.Health.Measures);
        meter.BeginWindow("w");
        clock.Advance(0.25);
        var result = meter.EndWindow();

        var label = meter.Gpus[0].Label;
        Assert.NotNull(meter.UpdatePeriodMs(label));
        Assert.Equal(500, meter.CounterSamplePeriodMs!.Value, 6);
        Assert.Equal(500, meter.CounterSeriesResolutionMs(label)!.Value, 6);
        Assert.Equal(500, result.Metrics["gpu0_counter_sample_period_ms"], 6);
        Assert.Equal(2, result.Metrics["gpu0_counter_read_ms"], 6);
    }

    [Fact]
    public void A_cheap_counter_keeps_the_series_at_the_counters_own_update_period()
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0") { UpdatePeriodS = 0.1 };
        using var meter = GpuMeter.Open(new NvmlPlatform(new FakeNvml(clock, gpu)), new GpuMeterOptions(["cuda:0"], TimeSpan.FromMilliseconds(50)), clock);
        var label = meter.Gpus[0].Label;
        Assert.Equal(50, meter.CounterSamplePeriodMs!.Value, 6);
        // sampled every 50 ms, but the counter itself changes only every 100 ms
        Assert.Equal(100, meter.UpdatePeriodMs(label)!.Value, 6);
        Assert.Equal(100, meter.CounterSeriesResolutionMs(label)!.Value, 6);
    }

    [Fact]
    public void Gpu_without_energy_counter_falls_back_to_integrated_samples()
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0") { CounterSupported = false, PowerW = 100 };
        var nvml = new FakeNvml(clock, gpu);
        using var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0"], TimeSpan.FromMilliseconds(10)), clock);
        meter.BeginWindow("w");
        clock.Advance(0.1);
        var figure = Assert.Single(meter.EndWindow().Energy);
        Assert.Equal(EnergySource.MeasuredSamples, figure.Source);
        Assert.Equal(100 * 0.1, figure.EnergyJ!.Value, 6);
    }
}
