using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Meters.Host;
using Lem.Engine.Meters.Rapl;
using Lem.Engine.Tests.Meters.Estimates;
using Lem.Engine.Tests.Meters.Rapl;

namespace Lem.Engine.Tests.Meters.Host;

/// <summary>RAPL on a fake powercap tree, marked at each batch's start, first token and end (the Energy Lab's method).</summary>
public class HostPhaseSplitTests
{
    private const string Package = "intel-rapl:0";
    private const string Dram = "intel-rapl:0/intel-rapl:0:0";

    private static MeterWindowResult ProcessShare(double share) =>
        MeterWindowResult.Create(ProcessMeter.MeterName, [], new Dictionary<string, double>
        {
            [ProcessMetricNames.ProcessCpuShare] = share,
            [ProcessMetricNames.ShareLowConfidence] = 0,
        }, []);

    private static (FakePowercapTree Tree, ManualClock Clock, RaplMeter Meter) Open()
    {
        var tree = new FakePowercapTree();
        tree.Zone(Package, "package-0", 1_000_000);
        tree.Zone(Dram, "dram", 500_000);
        var clock = new ManualClock();
        var meter = RaplMeter.Open(new RaplMeterOptions(tree.Root, BackgroundPoll: false) { UpdatePeriodMs = 1 }, clock: clock);
        return (tree, clock, meter);
    }

    /// <summary>Advances the package counter by <paramref name="packageJ"/> and DRAM by a tenth of it, then marks.</summary>
    private static void Step(FakePowercapTree tree, ManualClock clock, RaplMeter meter, ref ulong package, ref ulong dram, double packageJ, double seconds, double markS)
    {
        package += (ulong)(packageJ * 1e6);
        dram += (ulong)(packageJ * 1e5);
        tree.SetEnergy(Package, package);
        tree.SetEnergy(Dram, dram);
        clock.Advance(seconds);
        meter.Mark(markS);
    }

    [Fact]
    public void Prefill_and_decode_come_from_the_counters_read_at_start_first_token_and_end()
    {
        var (tree, clock, meter) = Open();
        using var _ = tree;
        using var __ = meter;
        ulong package = 1_000_000, dram = 500_000;
        meter.BeginWindow("w");
        meter.Mark(0);                                                               // batch 0 starts
        Step(tree, clock, meter, ref package, ref dram, 3, 0.1, 0.1);                // first token: 3 J of prefill
        Step(tree, clock, meter, ref package, ref dram, 9, 0.9, 1.0);                // end: 9 J of decode; batch 1 starts
        Step(tree, clock, meter, ref package, ref dram, 2, 0.05, 1.05);              // 2 J prefill
        Step(tree, clock, meter, ref package, ref dram, 6, 0.95, 2.0);               // 6 J decode
        var rapl = meter.EndWindow();
        var results = new[] { rapl, ProcessShare(0.5) };
        var host = HostAttribution.Apply(results);

        var split = HostPhaseSplit.Split(results, host, [new PhaseMarks(0, 0.1, 1.0), new PhaseMarks(1.0, 1.05, 2.0)]);

        Assert.Equal((3 + 2) * 0.5, split.Metrics[HostPhaseSplit.PrefillCpu], 9);
        Assert.Equal((9 + 6) * 0.5, split.Metrics[HostPhaseSplit.DecodeCpu], 9);
        Assert.Equal((0.3 + 0.2) * 0.5, split.Metrics[HostPhaseSplit.PrefillRam], 9);
        Assert.Equal((0.9 + 0.6) * 0.5, split.Metrics[HostPhaseSplit.DecodeRam], 9);
        Assert.Equal(20 * 0.5, host.Energy.Single(e => e.Component == "cpu:package-0").EnergyJ!.Value, 9);
        Assert.Equal(Lem.Engine.Results.Schema.WarningKind.Note, Assert.Single(split.Warnings, w => w.Code == "host-phase-energy-method").Kind);
    }

    [Fact]
    public void Overlapping_requests_make_host_phase_energy_unavailable()
    {
        var (tree, clock, meter) = Open();
        using var _ = tree;
        using var __ = meter;
        ulong package = 1_000_000, dram = 500_000;
        meter.BeginWindow("w");
        foreach (var t in new[] { 0.0, 0.1, 0.2, 0.3, 1.0, 1.2 }) Step(tree, clock, meter, ref package, ref dram, 1, 0.1, t);
        var results = new[] { meter.EndWindow(), ProcessShare(0.5) };
        var split = HostPhaseSplit.Split(results, HostAttribution.Apply(results), [new PhaseMarks(0, 0.2, 1.0), new PhaseMarks(0.1, 0.3, 1.2)]);
        Assert.Empty(split.Metrics);
        var warning = Assert.Single(split.Warnings);
        Assert.Contains("up to 2", warning.Cause);
        Assert.Equal(2, HostPhaseSplit.MaxOverlap([new PhaseMarks(0, 0.2, 1.0), new PhaseMarks(0.1, 0.3, 1.2)]));
        Assert.Equal(1, HostPhaseSplit.MaxOverlap([new PhaseMarks(0, 0.2, 1.0), new PhaseMarks(1.0, 1.1, 1.2)]));
    }

    [Fact]
    public void A_phase_shorter_than_the_meter_resolution_has_no_figure()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("Mystery CPU", 1, 2);
        proc.Stat(0, 1000);
        var clock = new ManualClock();
        var cpu = new CpuEnergyEstimator(new EstimateOptions(CpuTdpW: 100, ProcRoot: proc.Root), clock);
        cpu.BeginWindow("w");
        cpu.Mark(0);
        proc.Stat(1, 1000);
        cpu.Mark(0.004); // a 4 ms prefill: shorter than one 10 ms tick
        proc.Stat(200, 1000);
        clock.Advance(1);
        cpu.Mark(1);
        var results = new[] { cpu.EndWindow(), ProcessShare(1) };
        var split = HostPhaseSplit.Split(results, HostAttribution.Apply(results), [new PhaseMarks(0, 0.004, 1)]);
        Assert.False(split.Metrics.ContainsKey(HostPhaseSplit.PrefillCpu));
        Assert.Contains(split.Warnings, w => w.Cause.Contains("shorter than cpu's resolution (10.0 ms)"));
    }

    [Fact]
    public void A_counter_that_did_not_advance_is_unavailable_never_zero()
    {
        var (tree, clock, meter) = Open();
        using var _ = tree;
        using var __ = meter;
        meter.BeginWindow("w");
        tree.SetEnergy(Package, 5_000_000);   // the package moves, DRAM stays at 500 000
        clock.Advance(1);
        var result = meter.EndWindow();
        var dram = result.Energy.Single(e => e.Component == "ram:package-0/dram");
        Assert.Equal(EnergySource.Unavailable, dram.Source);
        Assert.Null(dram.EnergyJ);
        Assert.Contains("did not advance", dram.Note);
        Assert.Contains(result.WarningDetails!, w => w.Code == "rapl-counter-stuck");
        Assert.Equal(4.0, result.Energy.Single(e => e.Component == "cpu:package-0").EnergyJ);
    }

    [Fact]
    public void A_window_of_few_counter_updates_is_low_confidence()
    {
        var (tree, clock, meter) = Open();
        using var _ = tree;
        using var __ = meter;
        meter.BeginWindow("w");
        tree.SetEnergy(Package, 1_010_000);
        tree.SetEnergy(Dram, 501_000);
        clock.Advance(0.005); // 5 updates of 1 ms
        var result = meter.EndWindow();
        Assert.All(result.Energy, e => Assert.True(e.LowConfidence));
        Assert.Contains(result.WarningDetails!, w => w.Code == "low-confidence-window");
    }

    [Fact]
    public void Host_idle_baseline_is_measured_per_component_cached_and_subtracted_over_the_window_only()
    {
        var (tree, clock, meter) = Open();
        using var _ = tree;
        using var __ = meter;
        using var cacheFolder = new Lem.Engine.Tests.Results.TempFolder();
        var cache = new IdleBaselineCache(cacheFolder.Path, TimeSpan.FromHours(1));
        ulong package = 1_000_000, dram = 500_000;
        void Idle(TimeSpan d)
        {
            package += 100_000_000; // 100 J over 10 s: 10 W
            dram += 20_000_000;     // 2 W
            tree.SetEnergy(Package, package);
            tree.SetEnergy(Dram, dram);
            clock.Advance(d.TotalSeconds);
        }
        var baselines = IdleBaseline.GetOrMeasureHost([meter], TimeSpan.FromSeconds(10), cache, Idle, machine: "m1", clock: clock);
        var power = IdleBaseline.PowerByComponent(baselines);
        Assert.Equal(10, power["cpu:package-0"], 9);
        Assert.Equal(2, power["ram:package-0/dram"], 9);
        // a second call within the TTL reads the cache and does not wait
        var again = IdleBaseline.GetOrMeasureHost([meter], TimeSpan.FromSeconds(10), cache, _ => throw new InvalidOperationException("measured again"), machine: "m1", clock: clock);
        Assert.All(again, b => Assert.True(b.FromCache));

        meter.BeginWindow("w");
        Step(tree, clock, meter, ref package, ref dram, 50, 2, 2); // 50 J package over 2 s
        var results = new[] { meter.EndWindow(), ProcessShare(0.5) };
        var host = HostAttribution.Apply(results, power, windowDurationS: 2);
        var cpu = host.Components.Single(c => c.Component == "cpu:package-0");
        Assert.Equal(50, cpu.System.EnergyJ!.Value, 9);
        Assert.Equal(50 - 10 * 2, cpu.SystemAdjustedJ!.Value, 9);
        Assert.Equal((50 - 10 * 2) * 0.5, cpu.ProcessAdjustedJ!.Value, 9);
    }
}

public class HostEnergyRecordsTests
{
    [Fact]
    public void One_call_gives_the_attributed_energy_the_host_section_phase_metrics_warnings_and_the_window_peak()
    {
        var rapl = MeterWindowResult.Create(RaplMeter.MeterName, [new EnergyFigure("cpu:package-0", 100, EnergySource.MeasuredCounter, "RAPL")],
            new Dictionary<string, double> { [HostMarks.ResolutionMetric(RaplMeter.MeterName)] = 1 }, [],
            [.. HostMarks.Points("cpu:package-0", [0, 0.5, 2], [0, 20, 100])]);
        var process = MeterWindowResult.Create(ProcessMeter.MeterName, [], new Dictionary<string, double>
        {
            [ProcessMetricNames.ProcessCpuShare] = 0.5, [ProcessMetricNames.ShareLowConfidence] = 0, [ProcessMetricNames.OtherCpuShare] = 0.4,
            [ProcessMetricNames.RssPeakBytes] = 1 << 30, [ProcessMetricNames.RssPeakFromHighWaterMark] = 1, [ProcessMetricNames.RssSamples] = 20,
        }, [new MeterWarning("other-processes-busy", "others used 40%", "run alone")]);
        var gpu = MeterWindowResult.Create("nvml", [new EnergyFigure("gpu:0", 300, EnergySource.MeasuredCounter, "nvml")], new Dictionary<string, double>(), []);

        var parts = Lem.Engine.Results.Aggregation.HostEnergyRecords.Build([gpu, rapl, process], 2, [new PhaseMarks(0, 0.5, 2)],
            [new IdleBaselineFigure("host-m-cpu:package-0", "cpu:package-0", 10, DateTimeOffset.UnixEpoch, 30)], "lem process 9");

        Assert.Equal([300.0, 50.0], parts.Energy.Select(e => e.EnergyJ!.Value));
        Assert.Equal(100, parts.Host.Components.Single().System.EnergyJ);
        Assert.Equal((100 - 10 * 2) * 0.5, parts.Host.Components.Single().ProcessAdjustedJ);
        Assert.Equal(10, parts.PhaseMetrics[HostPhaseSplit.PrefillCpu]);
        Assert.Equal(40, parts.PhaseMetrics[HostPhaseSplit.DecodeCpu]);
        Assert.Equal(1L << 30, parts.PeakRssBytes);
        Assert.Contains("VmHWM reset", parts.PeakRssMethod);
        Assert.Contains(parts.Warnings, w => w.Code == "host-phase-energy-method" && w.Remedy is null);
        Assert.Equal("lem process 9", parts.Host.ProcessSet);
    }
}
