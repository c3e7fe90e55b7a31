using Lem.Engine.Measurement;
using Lem.Engine.Meters.Gpu;
using Lem.Engine.Meters.Nvml;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Nvml;

namespace Lem.Engine.Tests.Measurement;

public sealed class IdleBaselineTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lem-baseline-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    [Fact]
    public void Cache_returns_fresh_entries_and_expires_them()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var cache = new IdleBaselineCache(_folder, TimeSpan.FromHours(1), () => now);
        Assert.Null(cache.TryGet("GPU-a"));
        cache.Store(new IdleBaselineFigure("GPU-a", "gpu:0", 71.5, now, 10));

        now = now.AddMinutes(59);
        var hit = cache.TryGet("GPU-a");
        Assert.NotNull(hit);
        Assert.True(hit.FromCache);
        Assert.Equal(71.5, hit.PowerW);

        now = now.AddMinutes(2);
        Assert.Null(cache.TryGet("GPU-a"));
    }

    [Fact]
    public void Damaged_cache_file_is_ignored()
    {
        var cache = new IdleBaselineCache(_folder, TimeSpan.FromHours(1));
        Directory.CreateDirectory(_folder);
        File.WriteAllText(cache.PathFor("GPU-a"), "{ not json");
        Assert.Null(cache.TryGet("GPU-a"));
    }

    [Fact]
    public void Baseline_is_measured_once_then_served_from_the_cache()
    {
        var clock = new ManualClock();
        var gpu = new FakeGpu("GPU-aaaa", "00000000:1B:00.0") { PowerW = 72 };
        var nvml = new FakeNvml(clock, gpu);
        using var meter = GpuMeter.Open(new NvmlPlatform(nvml), new GpuMeterOptions(["cuda:0"], null), clock);
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var cache = new IdleBaselineCache(_folder, TimeSpan.FromHours(6), () => now);

        var first = Assert.Single(IdleBaseline.GetOrMeasure(meter, TimeSpan.FromSeconds(10), cache, clock.Sleep, () => now));
        Assert.False(first.FromCache);
        Assert.Equal(72.0, first.PowerW, 6);
        Assert.Equal("GPU-aaaa", first.GpuUuid);

        gpu.PowerW = 300; // would change the figure if it were measured again
        var second = Assert.Single(IdleBaseline.GetOrMeasure(meter, TimeSpan.FromSeconds(10), cache, clock.Sleep, () => now));
        Assert.True(second.FromCache);
        Assert.Equal(72.0, second.PowerW, 6);
    }

    [Fact]
    public void Adjusted_energy_subtracts_baseline_over_the_window_only()
    {
        Assert.Equal(300.0, IdleBaseline.AdjustedEnergyJ(1000, 70, 10));
        Assert.Null(IdleBaseline.AdjustedEnergyJ(null, 70, 10));
        var raw = new Lem.Engine.Meters.EnergyFigure("gpu:0", 1000, Lem.Engine.Meters.EnergySource.MeasuredCounter, "counter");
        var adjusted = IdleBaseline.Adjust(raw, new IdleBaselineFigure("GPU-a", "gpu:0", 70, DateTimeOffset.UnixEpoch, 10), 10);
        Assert.Equal("gpu:0:adjusted", adjusted.Component);
        Assert.Equal(300.0, adjusted.EnergyJ);
        Assert.Contains("measurement window only", adjusted.Method);
    }
}
