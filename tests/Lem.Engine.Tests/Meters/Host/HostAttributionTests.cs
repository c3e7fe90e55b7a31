using Lem.Engine.Meters;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Meters.Host;
using Lem.Engine.Meters.Rapl;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Export;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Views;
using Lem.Engine.Tests.Meters.Rapl;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Meters.Host;

public class HostAttributionTests
{
    private static MeterWindowResult ProcessResult(double share, double rssBytes, bool low = false) =>
        MeterWindowResult.Create(ProcessMeter.MeterName, [], new Dictionary<string, double>
        {
            [ProcessMetricNames.ProcessCpuShare] = share,
            [ProcessMetricNames.ProcessCpuTicks] = share * 400,
            [ProcessMetricNames.SystemBusyTicks] = 400,
            [ProcessMetricNames.OtherCpuShare] = 0.3,
            [ProcessMetricNames.RssMeanBytes] = rssBytes,
            [ProcessMetricNames.ShareLowConfidence] = low ? 1 : 0,
            [ProcessMetricNames.Members] = 1,
        }, []);

    private static MeterWindowResult Gpu(double j) =>
        MeterWindowResult.Create("nvml", [new EnergyFigure("gpu:0", j, EnergySource.MeasuredCounter, "nvml")], new Dictionary<string, double>(), []);

    [Fact]
    public void Rapl_packages_and_dram_get_the_cpu_time_share_and_gpus_are_left_alone()
    {
        var rapl = MeterWindowResult.Create(RaplMeter.MeterName,
            [new EnergyFigure("cpu:package-0", 100, EnergySource.MeasuredCounter, "RAPL"), new EnergyFigure("ram:package-0/dram", 20, EnergySource.MeasuredCounter, "RAPL")],
            new Dictionary<string, double>(), []);
        var host = HostAttribution.Apply([Gpu(500), rapl, ProcessResult(0.25, 1L << 30)], processSet: "lem process 7");

        Assert.Equal(HostAttributionKind.Process, host.Attribution);
        var energy = host.Energy.ToDictionary(e => e.Component);
        Assert.Equal(500, energy["gpu:0"].EnergyJ);
        Assert.Equal(25, energy["cpu:package-0"].EnergyJ);
        Assert.Equal(5, energy["ram:package-0/dram"].EnergyJ);
        Assert.Equal(EnergySource.MeasuredCounter, energy["cpu:package-0"].Source);
        Assert.Contains("CPU-time share 25.0%", energy["cpu:package-0"].Method);
        var cpu = host.Components.Single(c => c.Component == "cpu:package-0");
        Assert.Equal(100, cpu.System.EnergyJ);
        Assert.Equal(25, cpu.Process.EnergyJ);
        Assert.Equal("lem process 7", host.ProcessSet);
    }

    [Fact]
    public void A_rapl_process_figure_is_marked_as_a_share_of_the_counter_in_the_record_the_tables_and_the_csv()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 1_000_000);
        var clock = new ManualClock();
        using var meter = RaplMeter.Open(new RaplMeterOptions(tree.Root, BackgroundPoll: false) { UpdatePeriodMs = 1 }, clock: clock);
        meter.BeginWindow("w");
        tree.SetEnergy("intel-rapl:0", 41_000_000); // the counter advanced by 40 J
        clock.Advance(2);
        var host = HostAttribution.Apply([meter.EndWindow(), ProcessResult(0.25, 1L << 30)]);

        // the process figure: a CPU-time share of the counter, not what the counter measured
        var process = EnergyRecord.From(Assert.Single(host.Energy));
        Assert.Equal(10, process.EnergyJ!.Value, 9);
        Assert.Equal((EnergySource.MeasuredCounter, true), (process.Source, process.Attributed));
        Assert.Equal("measured-counter (process share)", EnergySourceText.Of(process));
        var system = EnergyRecord.From(host.Components.Single().System);
        Assert.Equal((40.0, false, "measured-counter"), (system.EnergyJ!.Value, system.Attributed, EnergySourceText.Of(system)));

        var raw = Samples.Raw("r", energy: [new EnergyRecord("gpu:0", 100, EnergySource.MeasuredCounter, "nvml"), process]);
        Assert.True(ResultJson.Deserialize<RawRecord>(ResultJson.Serialize(raw), "raw.json").Energy.Single(e => e.Component == "cpu:package-0").Attributed);
        var run = RunAggregator.Aggregate([raw], RunStatus.Complete);
        var rows = CsvText.Parse(CsvExporter.Format([run]));
        var row = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("measured-counter (process share)", row["energy_cpu_source"]);
        Assert.Equal("measured-counter", row["energy_gpu_source"]);
        Assert.Equal("measured-counter (in part a process share)", row["energy_total_source"]);
        Assert.Equal("gpu:0=measured-counter; cpu:package-0=measured-counter (process share)", row["energy_components"]);
        Assert.Contains("measured-counter (process share)", ResultsView.Show(run));
    }

    [Fact]
    public void The_ram_estimate_follows_the_resident_memory_not_the_installed_memory()
    {
        var ram = MeterWindowResult.Create(RamEnergyEstimator.MeterName, [new EnergyFigure("ram", 60, EnergySource.Estimated, "installed")],
            new Dictionary<string, double> { [RamEnergyEstimator.RamInstalledBytesMetric] = 16.0 * (1L << 30) }, []);
        var host = HostAttribution.Apply([ram, ProcessResult(0.5, 4.0 * (1L << 30))]);
        var figure = Assert.Single(host.Energy);
        Assert.Equal(15, figure.EnergyJ!.Value, 9); // 60 J × 4 GiB / 16 GiB
        Assert.Equal(EnergySource.Estimated, figure.Source);
        Assert.Contains("mean resident memory 4.000 GiB of 16.0 GiB", figure.Method);
        Assert.Equal(0.25, host.Components.Single().Ratio);
    }

    [Fact]
    public void A_low_confidence_share_makes_the_cpu_figure_low_confidence()
    {
        var cpu = MeterWindowResult.Create(CpuEnergyEstimator.MeterName, [new EnergyFigure("cpu", 10, EnergySource.Estimated, "estimate")], new Dictionary<string, double>(), []);
        var host = HostAttribution.Apply([cpu, ProcessResult(0.5, 1, low: true)]);
        Assert.True(Assert.Single(host.Energy).LowConfidence);
    }

    [Fact]
    public void Without_a_process_share_the_system_figures_stand_and_a_warning_says_so()
    {
        var cpu = MeterWindowResult.Create(CpuEnergyEstimator.MeterName, [new EnergyFigure("cpu", 10, EnergySource.Estimated, "estimate")], new Dictionary<string, double>(), []);
        var host = HostAttribution.Apply([cpu, Gpu(5)]);
        Assert.Equal(HostAttributionKind.System, host.Attribution);
        Assert.Equal(10, host.Energy.Single(e => e.Component == "cpu").EnergyJ);
        Assert.Contains(host.Warnings, w => w.Code == "host-energy-whole-machine");
    }

    [Fact]
    public void Idle_baselines_give_adjusted_figures_beside_the_raw_ones()
    {
        var cpu = MeterWindowResult.Create(RaplMeter.MeterName, [new EnergyFigure("cpu:package-0", 100, EnergySource.MeasuredCounter, "RAPL")], new Dictionary<string, double>(), []);
        var host = HostAttribution.Apply([cpu, ProcessResult(0.25, 1)], new Dictionary<string, double> { ["cpu:package-0"] = 20 }, windowDurationS: 2);
        var c = host.Components.Single();
        Assert.Equal(20, c.IdlePowerW);
        Assert.Equal(60, c.SystemAdjustedJ);   // 100 − 20 W × 2 s
        Assert.Equal(15, c.ProcessAdjustedJ);  // 25% of it
        Assert.Equal(25, c.Process.EnergyJ);   // raw stays raw
    }
}
