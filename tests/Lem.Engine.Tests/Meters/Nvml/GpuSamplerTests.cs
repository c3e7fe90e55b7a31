using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Tests.Meters.Nvml;

public class GpuSamplerTests
{
    [Fact]
    public void Trapezoid_rule_on_a_known_series()
    {
        double[] t = [0, 1, 2, 3];
        double[] p = [100, 200, 200, 100];
        Assert.Equal(150 + 200 + 150, PowerIntegration.TrapezoidJ(t, p));
    }

    [Fact]
    public void Trapezoid_cut_to_a_window_interpolates_inside_and_holds_outside()
    {
        double[] t = [1, 2, 3];
        double[] p = [100, 200, 100];
        // [1.5, 2.5]: 150→200→150 = 87.5 + 87.5
        Assert.Equal(175, PowerIntegration.TrapezoidJ(t, p, 1.5, 2.5)!.Value, 9);
        // [0, 4]: holds 100 W for a second at each end, plus the 300 J inside.
        Assert.Equal(500, PowerIntegration.TrapezoidJ(t, p, 0, 4)!.Value, 9);
    }

    [Fact]
    public void Trapezoid_bridges_missing_samples_and_needs_two()
    {
        double[] t = [0, 1, 2];
        Assert.Equal(200, PowerIntegration.TrapezoidJ(t, [100, double.NaN, 100]));
        Assert.Null(PowerIntegration.TrapezoidJ([0.0], [100.0]));
        Assert.Null(PowerIntegration.TrapezoidJ(t, [double.NaN, 5, double.NaN]));
    }

    [Fact]
    public void Slow_changing_fields_are_read_every_tenth_sample_and_energy_fields_every_sample()
    {
        var clock = new ManualClock(0);
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0") { ClockEventReasons = 0x4 };
        var nvml = new FakeNvml(clock, gpu);
        using var sampler = new GpuSampler(nvml.Devices(), clock, TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 21; i++)
        {
            sampler.SampleOnce();
            clock.Advance(0.1);
        }
        var samples = sampler.Buffers[0].AsSpan().ToArray();
        Assert.All(samples, s => Assert.False(double.IsNaN(s.AvgPowerW)));
        Assert.All(samples, s => Assert.Equal(GpuThrottleReasons.SoftwarePowerCap, s.ThrottleReasons));
        var withTemperature = samples.Select((s, i) => (s, i)).Where(p => !double.IsNaN(p.s.TemperatureC)).Select(p => p.i).ToArray();
        Assert.Equal([0, 10, 20], withTemperature);
        Assert.True(double.IsNaN(samples[5].MemoryUsedBytes));
    }

    [Theory]
    [InlineData(0.001, 100, 1)]    // a cheap counter (µs): every sample
    [InlineData(0.4, 100, 1)]      // exactly the budget at 10 Hz
    [InlineData(0.41, 100, 2)]
    [InlineData(3.9, 100, 10)]     // the GPU machine's VM: every tenth sample, 1 Hz
    [InlineData(3.9, 1000, 1)]     // at 1 Hz the same read fits the budget every sample
    [InlineData(3.9, 50, 20)]      // at 20 Hz: still one read per second
    [InlineData(25, 100, 63)]
    public void The_counter_read_rate_follows_the_cpu_budget(double readMs, int intervalMs, int expectedEvery)
    {
        var every = GpuSampler.CounterEveryFor(readMs, TimeSpan.FromMilliseconds(intervalMs));
        Assert.Equal(expectedEvery, every);
        // the chosen rate keeps counter reads within 0.4% of one core, and one fewer sample between reads would not
        Assert.True(readMs / (every * intervalMs) <= GpuSampler.CounterCpuBudget + 1e-12);
        if (every > 1) Assert.True(readMs / ((every - 1) * intervalMs) > GpuSampler.CounterCpuBudget);
    }

    [Fact]
    public void A_slow_fake_counter_is_read_every_kth_sample_with_k_from_its_measured_cost()
    {
        var clock = new ManualClock(0);
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0") { CounterReadDelay = TimeSpan.FromMilliseconds(4) };
        using var sampler = new GpuSampler(new FakeNvml(clock, gpu).Devices(), clock, TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 30; i++)
        {
            sampler.SampleOnce();
            clock.Advance(0.1);
        }
        // 4 ms per read (timed on the sampler's clock) against 0.4 ms allowed per 100 ms sample: k = 10
        Assert.Equal(4, sampler.CounterReadMs!.Value, 6);
        Assert.Equal(10, sampler.CounterEvery);
        Assert.Equal(1000, sampler.CounterSamplePeriod.TotalMilliseconds, 9);
        var withCounter = sampler.Buffers[0].AsSpan().ToArray().Select((s, i) => (s, i)).Where(p => p.s.EnergyMj != ulong.MaxValue).Select(p => p.i);
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % sampler.CounterEvery == 0), withCounter);
    }

    [Fact]
    public void A_gpu_without_an_energy_counter_is_never_asked_for_it()
    {
        var clock = new ManualClock(0);
        var nvml = new FakeNvml(clock, new FakeGpu("GPU-a", "00000000:01:00.0") { CounterSupported = false });
        var devices = nvml.Devices();
        Assert.False(devices[0].HasEnergyCounter);
        var callsToOpen = nvml.EnergyCalls; // opening the device asks once whether the counter works
        using var sampler = new GpuSampler(devices, clock, TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 20; i++)
        {
            sampler.SampleOnce();
            clock.Advance(0.1);
        }
        Assert.Equal(callsToOpen, nvml.EnergyCalls);
        Assert.Equal(20, sampler.Buffers[0].Count);
        Assert.All(sampler.Buffers[0].AsSpan().ToArray(), s => Assert.Equal(ulong.MaxValue, s.EnergyMj));
    }

    [Fact]
    public void A_cheap_fake_counter_is_read_every_sample()
    {
        var clock = new ManualClock(0);
        using var sampler = new GpuSampler(new FakeNvml(clock, new FakeGpu("GPU-a", "00000000:01:00.0")).Devices(), clock, TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 5; i++)
        {
            sampler.SampleOnce();
            clock.Advance(0.1);
        }
        Assert.Equal(1, sampler.CounterEvery);
        Assert.All(sampler.Buffers[0].AsSpan().ToArray(), s => Assert.NotEqual(ulong.MaxValue, s.EnergyMj));
    }

    [Fact]
    public void Time_per_reason_counts_half_intervals_at_transitions()
    {
        var clock = new ManualClock(0);
        var gpu = new FakeGpu("GPU-a", "00000000:01:00.0");
        var nvml = new FakeNvml(clock, gpu);
        using var sampler = new GpuSampler(nvml.Devices(), clock, TimeSpan.FromMilliseconds(100));
        ulong[] reasons = [0, 0x4, 0x4, 0x4 | 0x40, 0x1, 0x1];
        foreach (var r in reasons)
        {
            gpu.ClockEventReasons = r;
            sampler.SampleOnce();
            clock.Advance(1);
        }
        var samples = sampler.Buffers[0].AsSpan();
        Assert.Equal(6, samples.Length);
        // sw power cap at samples 1..3: intervals 0-1 half, 1-2 full, 2-3 full, 3-4 half = 3 s.
        const GpuThrottleReasons powerCap = GpuThrottleReasons.SoftwarePowerCap, thermal = GpuThrottleReasons.HardwareThermalSlowdown;
        Assert.Equal(3.0, PowerIntegration.TimeWithReasonS(samples, powerCap, 0, 5), 9);
        Assert.Equal(1.0, PowerIntegration.TimeWithReasonS(samples, thermal, 0, 5), 9);
        // Cut to the window [1.5, 3]: sw power cap holds throughout (1.5 s); hw thermal ramps 0→1 over 2..3 (0.5 s).
        Assert.Equal(1.5, PowerIntegration.TimeWithReasonS(samples, powerCap, 1.5, 3), 9);
        Assert.Equal(0.5, PowerIntegration.TimeWithReasonS(samples, thermal, 1.5, 3), 9);
    }

    [Fact]
    public void Reasons_are_masked_and_flagged_as_documented()
    {
        var raw = GpuThrottleReasons.Idle | GpuThrottleReasons.ApplicationClocks | GpuThrottleReasons.DisplayClocks | GpuThrottleReasons.HardwareSlowdown;
        Assert.Equal(GpuThrottleReasons.HardwareSlowdown, GpuThrottleReasonInfo.Mask(raw));
        Assert.True(GpuThrottleReasonInfo.IsFlagged(GpuThrottleReasons.SoftwarePowerCap));
        Assert.True(GpuThrottleReasonInfo.IsFlagged(GpuThrottleReasons.HardwarePowerBrake));
        Assert.True(GpuThrottleReasonInfo.IsFlagged(GpuThrottleReasons.SoftwareThermalSlowdown));
        Assert.False(GpuThrottleReasonInfo.IsFlagged(GpuThrottleReasons.Idle));
        Assert.False(GpuThrottleReasonInfo.IsFlagged(GpuThrottleReasons.SyncBoost));
    }

    [Theory] // nvmlClocksEventReason* bits, as nvml.h defines them
    [InlineData(0x1UL, GpuThrottleReasons.Idle)]
    [InlineData(0x2UL, GpuThrottleReasons.ApplicationClocks)]
    [InlineData(0x4UL, GpuThrottleReasons.SoftwarePowerCap)]
    [InlineData(0x8UL, GpuThrottleReasons.HardwareSlowdown)]
    [InlineData(0x10UL, GpuThrottleReasons.SyncBoost)]
    [InlineData(0x20UL, GpuThrottleReasons.SoftwareThermalSlowdown)]
    [InlineData(0x40UL, GpuThrottleReasons.HardwareThermalSlowdown)]
    [InlineData(0x80UL, GpuThrottleReasons.HardwarePowerBrake)]
    [InlineData(0x100UL, GpuThrottleReasons.DisplayClocks)]
    public void Nvml_clock_event_bits_read_as_the_named_reasons(ulong nvmlBits, GpuThrottleReasons reason)
    {
        var device = new FakeNvml(new ManualClock(), new FakeGpu("GPU-a", "00000000:01:00.0") { ClockEventReasons = nvmlBits }).Devices()[0];
        Assert.True(device.TryReadThrottleReasons(out var read));
        Assert.Equal(reason, read);
    }

    [Fact]
    public void While_running_the_sampler_samples_every_interval_and_once_more_when_stopped()
    {
        var clock = new ManualClock(0);
        using var sampler = new GpuSampler(new FakeNvml(clock, new FakeGpu("GPU-a", "00000000:01:00.0")).Devices(), clock, TimeSpan.FromMilliseconds(100));
        sampler.Start();             // a first sample at 0
        clock.Advance(1.05);         // ten from the loop: 0.1 … 1.0
        sampler.Stop();              // and a last one at 1.05
        clock.Advance(1);            // nothing once stopped
        var times = sampler.Buffers[0].AsSpan().ToArray().Select(s => s.TimeS).ToArray();
        Assert.Equal(12, times.Length);
        Assert.Equal([0, .. Enumerable.Range(1, 10).Select(i => i / 10.0), 1.05], times, new PrecisionComparer(9));
        Assert.Equal(0, clock.RunningLoops);
        Assert.Null(sampler.LastRunThreadCpuS); // the manual clock's loop has no thread of its own
        Assert.Equal(0, sampler.LastRunThreadAllocatedBytes);
    }

    private sealed class PrecisionComparer(int digits) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Round(x - y, digits) == 0;
        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void Sampling_allocates_nothing_per_sample()
    {
        var clock = new ManualClock(0);
        var nvml = new FakeNvml(clock, new FakeGpu("GPU-a", "00000000:01:00.0"), new FakeGpu("GPU-b", "00000000:02:00.0"));
        using var sampler = new GpuSampler(nvml.Devices(), clock, TimeSpan.FromMilliseconds(100));
        sampler.SampleOnce(); // warm up JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++) sampler.SampleOnce();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(501, sampler.Buffers[1].Count);
    }

    [Fact]
    public void Sample_buffer_grows_and_keeps_order()
    {
        var buffer = new SampleBuffer<GpuSample>(4);
        for (var i = 0; i < 10; i++) buffer.Add(new GpuSample { TimeS = i });
        Assert.Equal(10, buffer.Count);
        Assert.Equal(9, buffer[9].TimeS);
        buffer.Clear();
        Assert.Equal(0, buffer.AsSpan().Length);
    }
}
