using Lem.Engine.Meters;
using Lem.Engine.Meters.Rapl;

namespace Lem.Engine.Tests.Meters.Rapl;

public class RaplMeterTests
{
    private static RaplMeter Open(FakePowercapTree tree, IPowercapFiles? files = null, MeterClock? clock = null) =>
        RaplMeter.Open(new RaplMeterOptions(tree.Root, BackgroundPoll: false), files, clock ?? new ManualClock());

    [Fact]
    public void Two_sockets_with_dram_give_package_and_ram_figures()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 1_000_000);
        tree.Zone("intel-rapl:0/intel-rapl:0:0", "core", 500_000);
        tree.Zone("intel-rapl:0/intel-rapl:0:1", "dram", 200_000);
        tree.Zone("intel-rapl:1", "package-1", 3_000_000);
        tree.Zone("intel-rapl:1/intel-rapl:1:0", "dram", 100_000);
        tree.Zone("intel-rapl:2", "psys", 9_000_000);
        var clock = new ManualClock();
        using var meter = Open(tree, clock: clock);
        Assert.True(meter.Health.Available, meter.Health.UnavailableReason);
        Assert.True(meter.MeasuresDram);

        meter.BeginWindow("w");
        tree.SetEnergy("intel-rapl:0", 51_000_000);
        tree.SetEnergy("intel-rapl:0/intel-rapl:0:0", 30_500_000);
        tree.SetEnergy("intel-rapl:0/intel-rapl:0:1", 5_200_000);
        tree.SetEnergy("intel-rapl:1", 43_000_000);
        tree.SetEnergy("intel-rapl:1/intel-rapl:1:0", 4_100_000);
        tree.SetEnergy("intel-rapl:2", 199_000_000);
        clock.Advance(1);
        var result = meter.EndWindow();

        var byComponent = result.Energy.ToDictionary(f => f.Component);
        Assert.Equal(["cpu:package-0", "ram:package-0/dram", "cpu:package-1", "ram:package-1/dram"], result.Energy.Select(f => f.Component));
        Assert.Equal(50.0, byComponent["cpu:package-0"].EnergyJ);
        Assert.Equal(40.0, byComponent["cpu:package-1"].EnergyJ);
        Assert.Equal(5.0, byComponent["ram:package-0/dram"].EnergyJ);
        Assert.All(result.Energy, f => Assert.Equal(EnergySource.MeasuredCounter, f.Source));
        Assert.Equal(90.0, result.Metrics["cpu_packages_energy_j"]);
        Assert.Equal(9.0, result.Metrics["ram_dram_energy_j"]);
        // core lies inside the package and psys covers the platform: metrics only, never summed with packages.
        Assert.Equal(30.0, result.Metrics["rapl_package0_core_energy_j"]);
        Assert.Equal(190.0, result.Metrics["rapl_psys_energy_j"]);
    }

    [Fact]
    public void A_wrap_inside_the_window_is_counted()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 900_000, maxRangeUj: 1_000_000);
        var clock = new ManualClock();
        using var meter = Open(tree, clock: clock);
        meter.BeginWindow("w");
        clock.Advance(1); // a window shorter than one counter update has no figure
        tree.SetEnergy("intel-rapl:0", 950_000);
        meter.Poll();
        tree.SetEnergy("intel-rapl:0", 100_000); // wrapped past 1 000 000
        meter.Poll();
        tree.SetEnergy("intel-rapl:0", 300_000);
        var result = meter.EndWindow();
        Assert.Equal(0.4, Assert.Single(result.Energy).EnergyJ!.Value, 9); // 50 000 + 150 000 + 200 000 uJ
        Assert.Equal(1, result.Metrics["rapl_package0_wraps"]);
    }

    [Fact]
    public void Counter_accumulates_wraps_using_the_range_as_modulus()
    {
        var c = new RaplCounter(1000);
        c.Reset(990);
        c.Update(10);
        c.Update(995);
        c.Update(5);
        Assert.Equal(20UL + 985 + 10, c.AccumulatedUj);
        Assert.Equal(2, c.Wraps);
        Assert.Throws<InvalidOperationException>(() => new RaplCounter(10).Update(1));
    }

    [Fact]
    public void Missing_dram_domain_is_said_and_not_invented()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0);
        using var meter = Open(tree);
        Assert.False(meter.MeasuresDram);
        Assert.True(meter.MeasuresPackages);
        Assert.Contains("no dram domain", meter.Health.Measures);
        meter.BeginWindow("w");
        var result = meter.EndWindow();
        Assert.Equal("cpu:package-0", Assert.Single(result.Energy).Component);
    }

    [Fact]
    public void Zone_without_energy_file_is_skipped_with_a_note()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0);
        var broken = tree.Zone("intel-rapl:1", "package-1", 0);
        File.Delete(Path.Combine(broken, "energy_uj"));
        using var meter = Open(tree);
        Assert.Single(meter.Zones);
        Assert.Contains("intel-rapl:1 skipped", meter.Health.Measures);
    }

    [Fact]
    public void Subzones_listed_only_at_the_top_level_are_found()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0);
        tree.Zone("intel-rapl:0:0", "dram", 0);
        using var meter = Open(tree);
        Assert.Contains(meter.Zones, z => z.Component == "ram:package-0/dram");
    }

    [Fact]
    public void A_failed_read_mid_window_is_skipped_but_a_failed_final_read_is_unavailable()
    {
        using var tree = new FakePowercapTree();
        var folder = tree.Zone("intel-rapl:0", "package-0", 0);
        var clock = new ManualClock();
        using var meter = Open(tree, clock: clock);
        meter.BeginWindow("w");
        clock.Advance(1);
        File.WriteAllText(Path.Combine(folder, "energy_uj"), "garbage");
        meter.Poll();
        tree.SetEnergy("intel-rapl:0", 2_000_000);
        var result = meter.EndWindow();
        Assert.Equal(2.0, Assert.Single(result.Energy).EnergyJ);
        Assert.Equal(1, result.Metrics["rapl_package0_failed_polls"]);

        meter.BeginWindow("w2");
        File.WriteAllText(Path.Combine(folder, "energy_uj"), "garbage");
        var second = meter.EndWindow();
        Assert.Null(Assert.Single(second.Energy).EnergyJ);
        Assert.Contains(second.WarningDetails!, w => w.Code == "rapl-read-failed");
    }

    [Fact]
    public void Permission_denied_makes_the_meter_unavailable_with_the_remedy()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0);
        using var meter = Open(tree, new DenyingPowercapFiles());
        Assert.False(meter.Health.Available);
        Assert.Contains("Permission denied", meter.Health.UnavailableReason);
        Assert.Contains("sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj", meter.Health.UnavailableReason);
        Assert.Contains("udev", meter.Health.UnavailableReason);
        meter.BeginWindow("w");
        var result = meter.EndWindow();
        Assert.All(result.Energy, f => Assert.Null(f.EnergyJ));
    }

    [NotRootFact]
    public void Permission_denied_on_a_real_mode_000_file()
    {
        using var tree = new FakePowercapTree();
        var folder = tree.Zone("intel-rapl:0", "package-0", 0);
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(Path.Combine(folder, "energy_uj"), UnixFileMode.None);
        using var meter = Open(tree);
        Assert.False(meter.Health.Available);
        Assert.Contains("chmod o+r", meter.Health.UnavailableReason);
    }

    [Fact]
    public void No_tree_means_unavailable_with_the_reason()
    {
        using var meter = RaplMeter.Open(new RaplMeterOptions("/nonexistent/powercap", BackgroundPoll: false));
        Assert.False(meter.Health.Available);
        Assert.Contains("does not expose RAPL", meter.Health.UnavailableReason);
    }

    [Fact]
    public void Mmio_duplicates_are_ignored_and_poll_interval_sees_every_wrap()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0, maxRangeUj: 262_143_328_850);
        tree.Zone("intel-rapl-mmio:0", "package-0", 0);
        using var meter = Open(tree);
        Assert.Single(meter.Zones);
        // 262 kJ at an assumed 1000 W wraps after 262 s; polling at most every second leaves a wide margin.
        Assert.Equal(TimeSpan.FromSeconds(1), meter.PollInterval);
    }

    [Fact]
    public void Background_poll_runs_during_a_window()
    {
        using var tree = new FakePowercapTree();
        tree.Zone("intel-rapl:0", "package-0", 0, maxRangeUj: 1_000_000);
        using var meter = RaplMeter.Open(new RaplMeterOptions(tree.Root, TimeSpan.FromMilliseconds(5)));
        meter.BeginWindow("w");
        tree.SetEnergy("intel-rapl:0", 800_000);
        // Wait until the background thread has polled twice after the write (this CI machine is shared and slow).
        var seen = meter.Polls;
        Assert.True(SpinWait.SpinUntil(() => meter.Polls >= seen + 2, TimeSpan.FromSeconds(10)), "the background poll did not run");
        tree.SetEnergy("intel-rapl:0", 100_000);
        var result = meter.EndWindow();
        Assert.Equal(1.1, Assert.Single(result.Energy).EnergyJ!.Value, 9);
    }
}
