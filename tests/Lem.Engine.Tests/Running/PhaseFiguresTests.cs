using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Results.Schema;
using Lem.Engine.Running;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Estimates;
using Lem.Engine.Tests.Meters.Nvml;
using Lem.Engine.Tests.Meters.Rapl;
using Lem.Engine.Running.Stages;
using Lem.Engine.Workload;

namespace Lem.Engine.Tests.Running;

/// <summary>The runner's per-phase figures over a GPU window built by hand: 300 W throughout, 0–3 s.</summary>
public sealed class PhaseFiguresTests : IDisposable
{
    private readonly FakeProc _proc = new();
    private readonly FakePowercapTree _tree = new();

    public void Dispose()
    {
        _proc.Dispose();
        _tree.Dispose();
    }

    // Prefill 0.1 s and 0.3 s: the first is shorter than the fake counter's 125 ms update period.
    private static readonly WorkloadRun Workload = new([],
        [
            new BatchRecord(0, 1, 10, 10, 5, StartS: 0.0, EndS: 1.0, PrefillSeconds: 0.1, DecodeSeconds: 0.9, null),
            new BatchRecord(1, 1, 10, 10, 5, StartS: 1.0, EndS: 3.0, PrefillSeconds: 0.3, DecodeSeconds: 1.7, null),
        ], 3.0, 0, []);

    private MeterSet Meters(params string[] devices)
    {
        var clock = new ManualClock();
        var gpus = devices.Select((_, i) => new FakeGpu($"GPU-{i}", $"00000000:{i + 1:X2}:00.0")).ToArray();
        return MeterSet.Create(new MeterOptions(devices, SampleIntervalMs: 100, PowercapRoot: _tree.Root, ProcRoot: _proc.Root),
            new FakeNvml(clock, gpus).Platforms(), _ => null, clock);
    }

    /// <summary>The counter read every second; instant power every 100 ms when <paramref name="withPower"/>.</summary>
    private static IEnumerable<TimeSeriesPoint> Series(string prefix, bool withPower)
    {
        for (var i = 0; i <= 3; i++) yield return new TimeSeriesPoint(i, $"{prefix}_energy_counter_j", 300.0 * i);
        if (withPower)
            for (var i = 0; i <= 30; i++) yield return new TimeSeriesPoint(i * 0.1, $"{prefix}_instant_power_w", 300);
    }

    private static WindowMeasurement Window(params IEnumerable<TimeSeriesPoint>[] series) =>
        new("measure", 3.0, [MeterWindowResult.Create("nvml", [], new Dictionary<string, double>(), [], series.SelectMany(s => s).ToArray())]);

    [Fact]
    public void Power_samples_resolve_a_prefill_shorter_than_the_counter()
    {
        using var meters = Meters("cuda:0");
        var warnings = new List<WarningRecord>();
        var figures = PhaseFigures.Of(Window(Series("gpu0", true)), Workload, meters, warnings).ToDictionary();

        Assert.Equal(0.4, figures["prefill_time_s"], 9);
        Assert.Equal(2.6, figures["decode_time_s"], 9);
        Assert.Equal(120.0, figures["gpu_prefill_energy_j"], 6);
        Assert.Equal(780.0, figures["gpu_decode_energy_j"], 6);
        Assert.Contains(warnings, w => w.Code == "phase-energy" && w.Message.StartsWith("prefill energy is low-confidence", StringComparison.Ordinal)
            && w.Message.Contains("power sample interval", StringComparison.Ordinal));
        var method = Assert.Single(warnings, w => w.Code == "phase-energy-method");
        Assert.Equal(WarningKind.Note, method.Kind);
        Assert.Contains("apportioned by the trapezoid integral of instant power samples every 100 ms", method.Message);
    }

    [Fact]
    public void Without_power_samples_the_counter_series_splits_and_cannot_resolve_the_short_prefill()
    {
        using var meters = Meters("cuda:0");
        var warnings = new List<WarningRecord>();
        var figures = PhaseFigures.Of(Window(Series("gpu0", false)), Workload, meters, warnings).ToDictionary();

        Assert.False(figures.ContainsKey("gpu_prefill_energy_j"));
        Assert.Equal(780.0, figures["gpu_decode_energy_j"], 6);
        Assert.Contains(warnings, w => w.Code == "phase-energy" && w.Message.Contains("prefill energy is not reported: phase of 100.0 ms is shorter than one counter update (125 ms)", StringComparison.Ordinal));
        var method = Assert.Single(warnings, w => w.Code == "phase-energy-method");
        Assert.Contains("differences of the sampled energy-counter series", method.Message);
        Assert.Contains("resolution 125 ms", method.Message);
    }

    [Fact]
    public void Gpus_of_a_pipeline_are_summed_each_with_its_own_method()
    {
        using var meters = Meters("cuda:0", "cuda:1");
        var warnings = new List<WarningRecord>();
        var figures = PhaseFigures.Of(Window(Series("gpu0", true), Series("gpu1", false)), Workload, meters, warnings).ToDictionary();

        Assert.False(figures.ContainsKey("gpu_prefill_energy_j")); // gpu:1 cannot resolve the 100 ms prefill
        Assert.Equal(2 * 780.0, figures["gpu_decode_energy_j"], 6);
        var method = Assert.Single(warnings, w => w.Code == "phase-energy-method").Message;
        Assert.Contains("gpu:0: the energy counter's total over the window apportioned", method);
        Assert.Contains("gpu:1: differences of the sampled energy-counter series", method);
    }
}
