using Lem.Engine.Meters;
using Lem.Engine.Meters.Estimates;

namespace Lem.Engine.Tests.Meters.Estimates;

public class EstimateTests
{
    [Theory]
    [InlineData("Intel(R) Xeon(R) Platinum 8480+", 350)]
    [InlineData("AMD EPYC 7763 64-Core Processor", 280)]
    [InlineData("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 120)]
    [InlineData("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", 150)]
    [InlineData("AMD Ryzen 9 7950X 16-Core Processor", 170)]
    public void Tdp_table_matches_proc_cpuinfo_model_names(string model, double tdp)
    {
        Assert.Equal(tdp, CpuTdpTable.Find(model)!.TdpW);
    }

    [Theory]
    [InlineData("AMD EPYC 77630")]
    [InlineData("Intel(R) Xeon(R) Platinum 8468V")]
    [InlineData("AMD EPYC")]
    public void Tdp_table_does_not_match_other_models(string model) => Assert.Null(CpuTdpTable.Find(model));

    [Fact]
    public void Tdp_table_rows_all_name_a_source()
    {
        Assert.True(CpuTdpTable.Entries.Count >= 15);
        Assert.All(CpuTdpTable.Entries, r => Assert.False(string.IsNullOrWhiteSpace(r.Source)));
        Assert.Throws<FormatException>(() => CpuTdpTable.Parse("model,tdp_w,source\nfoo,bar,baz\n"));
    }

    [Fact]
    public void Proc_stat_busy_and_total()
    {
        var t = CpuTimes.Parse("cpu  100 5 20 800 10 1 2 3 7 0\ncpu0 1 1 1 1\n");
        Assert.Equal(100UL + 5 + 20 + 1 + 2 + 3, t.Busy);
        Assert.Equal(100UL + 5 + 20 + 800 + 10 + 1 + 2 + 3, t.Total);
        Assert.Equal(0.25, CpuTimes.Utilisation(new CpuTimes(0, 0), new CpuTimes(25, 100)));
        Assert.Null(CpuTimes.Utilisation(new CpuTimes(5, 10), new CpuTimes(5, 10)));
    }

    [Fact]
    public void Cpuinfo_counts_sockets_and_logical_cpus()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("Intel(R) Xeon(R) Platinum 8480+", 2, 4);
        var info = CpuInfo.Read(proc.Root);
        Assert.Equal(new CpuInfo("Intel(R) Xeon(R) Platinum 8480+", 2, 8), info);
    }

    [Fact]
    public void Cpu_energy_is_utilisation_times_tdp_times_duration()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("Intel(R) Xeon(R) Platinum 8480+", 2, 4);
        proc.Stat(1000, 9000);
        var clock = new ManualClock();
        var cpu = new CpuEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root), clock);
        cpu.BeginWindow("w");
        proc.Stat(1500, 9500); // 50% busy
        clock.Advance(10);
        var result = cpu.EndWindow();
        var figure = Assert.Single(result.Energy);
        Assert.Equal(EnergySource.Estimated, figure.Source);
        Assert.Equal(0.5 * 700 * 10, figure.EnergyJ!.Value, 6);
        Assert.Contains("Intel Xeon Platinum 8480+, Intel ARK", figure.Method);
        Assert.Contains("2 socket(s)", figure.Method);
        Assert.Equal(50, result.Metrics["cpu_system_utilisation_pct"], 9);
    }

    [Fact]
    public void Unknown_cpu_uses_the_documented_default_per_logical_cpu_and_says_so()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("Mystery CPU 9000", 1, 4);
        proc.Stat(0, 100);
        var cpu = new CpuEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root), new ManualClock());
        Assert.Equal(4 * CpuTdpTable.DefaultWattsPerLogicalCpu, cpu.TotalTdpW);
        Assert.Contains("not in the table", cpu.TdpOrigin);
        Assert.Contains("cpu.tdp_w", cpu.TdpOrigin);
    }

    [Fact]
    public void Configured_tdp_wins()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 2);
        proc.Stat(0, 100);
        var cpu = new CpuEnergyEstimator(new EstimateOptions(CpuTdpW: 200, ProcRoot: proc.Root), new ManualClock());
        Assert.Equal(200, cpu.TotalTdpW);
        Assert.Equal("configured cpu.tdp_w", cpu.TdpOrigin);
    }

    [Fact]
    public void Window_without_cpu_ticks_is_unavailable()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 2);
        proc.Stat(10, 100);
        var clock = new ManualClock();
        var cpu = new CpuEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root), clock);
        cpu.BeginWindow("w");
        clock.Advance(0.001);
        var figure = Assert.Single(cpu.EndWindow().Energy);
        Assert.Null(figure.EnergyJ);
    }

    [Fact]
    public void Ram_energy_is_installed_gib_times_watts_per_gib_times_duration()
    {
        using var proc = new FakeProc();
        proc.MemTotalKb(16 * 1024 * 1024);
        var clock = new ManualClock();
        var ram = new RamEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root), clock);
        ram.BeginWindow("w");
        clock.Advance(10);
        var figure = Assert.Single(ram.EndWindow().Energy);
        Assert.Equal(EnergySource.Estimated, figure.Source);
        Assert.Equal(16 * 0.375 * 10, figure.EnergyJ!.Value, 9);
        Assert.Contains("CodeCarbon", figure.Method);

        var configured = new RamEnergyEstimator(new EstimateOptions(RamWattsPerGb: 0.5, ProcRoot: proc.Root), clock);
        Assert.Equal(0.5, configured.WattsPerGb);
        Assert.Contains("ram.w_per_gb", configured.Health.Measures);
    }

    [Fact]
    public void Missing_proc_files_make_estimates_unavailable()
    {
        using var proc = new FakeProc();
        Assert.False(new RamEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root)).Health.Available);
        Assert.False(new CpuEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root)).Health.Available);
    }

    [Fact]
    public void A_cpu_estimate_over_fewer_than_ten_ticks_per_cpu_is_low_confidence()
    {
        using var proc = new FakeProc();
        proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 4);
        proc.Stat(1000, 9000);
        var clock = new ManualClock();
        var cpu = new CpuEnergyEstimator(new EstimateOptions(ProcRoot: proc.Root), clock);
        cpu.BeginWindow("short");
        proc.Stat(1006, 9006); // 12 ticks over 4 CPUs: 3 ticks per CPU, a 31 ms window
        clock.Advance(0.031);
        var short_ = cpu.EndWindow();
        Assert.True(Assert.Single(short_.Energy).LowConfidence);
        Assert.Contains(short_.WarningDetails!, w => w.Code == "low-confidence-window");
        Assert.Equal(3, short_.Metrics["cpu_estimate_window_ticks"]);

        cpu.BeginWindow("long");
        proc.Stat(1206, 9206); // 400 ticks: 100 per CPU
        clock.Advance(1);
        Assert.False(Assert.Single(cpu.EndWindow().Energy).LowConfidence);
    }

    [Fact]
    public void The_ram_default_is_labelled_as_the_default_and_short_windows_are_low_confidence()
    {
        using var proc = new FakeProc();
        proc.MemTotalKb(16 * 1024 * 1024);
        var clock = new ManualClock();
        // the runner passes the ram.w_per_gb default explicitly
        var ram = new RamEnergyEstimator(new EstimateOptions(RamWattsPerGb: EstimateOptions.DefaultRamWattsPerGb, ProcRoot: proc.Root), clock);
        Assert.Contains("the ram.w_per_gb default", ram.Origin);
        Assert.DoesNotContain("configured", ram.Origin);
        ram.BeginWindow("w");
        ram.Mark(0);
        ram.Mark(0.05);
        clock.Advance(0.05);
        var result = ram.EndWindow();
        var figure = Assert.Single(result.Energy);
        Assert.True(figure.LowConfidence);
        Assert.Contains("whole machine", figure.Method);
        Assert.Equal(16.0 * (1L << 30), result.Metrics[RamEnergyEstimator.RamInstalledBytesMetric]);
        var marks = result.TimeSeries.Where(p => p.Series == "marks:ram").ToArray();
        Assert.Equal(16 * 0.375 * 0.05, marks[1].Value - marks[0].Value, 12);
        Assert.Contains("configured ram.w_per_gb = 0.5", new RamEnergyEstimator(new EstimateOptions(RamWattsPerGb: 0.5, ProcRoot: proc.Root)).Origin);
    }
}
