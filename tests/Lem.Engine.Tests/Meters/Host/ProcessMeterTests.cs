using Lem.Engine.Meters;
using Lem.Engine.Meters.Host;
using Lem.Engine.Tests.Meters.Estimates;

namespace Lem.Engine.Tests.Meters.Host;

public class ProcessMeterTests
{
    private const int Pid = 4242;

    private static (FakeProc Proc, ManualClock Clock, ProcessMeter Meter) Open(IProcessSet? set = null, Action<FakeProc>? setUp = null)
    {
        var proc = new FakeProc();
        proc.CpuInfo("Mystery CPU", 1, 4);
        proc.Stat(1000, 9000, 4);
        proc.Process(Pid, 100, 50, rssKb: 1024 * 1024);
        setUp?.Invoke(proc);
        var clock = new ManualClock();
        var meter = new ProcessMeter(new ProcessMeterOptions(proc.Root, set ?? new CurrentProcess(Pid), BackgroundSample: false), clock);
        return (proc, clock, meter);
    }

    [Fact]
    public void Stat_fields_are_counted_from_the_last_parenthesis_of_the_command_name()
    {
        var f = ProcFolder.ParseStat("77 (a) b) (c) S 12 77 77 0 -1 0 0 0 0 0 321 45 0 0 20 0\n", "/proc/77/stat");
        Assert.Equal(new ProcFolder.StatFields(12, 321, 45), f);
        Assert.Throws<FormatException>(() => ProcFolder.ParseStat("77 no parenthesis", "x"));
    }

    [Fact]
    public void Share_is_process_ticks_over_busy_ticks_and_other_share_is_the_rest_over_capacity()
    {
        var (proc, clock, meter) = Open();
        using var _ = proc;
        meter.BeginWindow("w");
        // 4 CPUs over 1 s at USER_HZ 100: 400 ticks; the machine was busy 300 of them, the process 100 (utime 60 + stime 40)
        proc.Stat(1300, 9100, 4);
        proc.Process(Pid, 160, 90, rssKb: 1024 * 1024);
        clock.Advance(1);
        var m = meter.EndWindow().Metrics;
        Assert.Equal(100, m[ProcessMetricNames.ProcessCpuTicks]);
        Assert.Equal(300, m[ProcessMetricNames.SystemBusyTicks]);
        Assert.Equal(400, m[ProcessMetricNames.SystemTotalTicks]);
        Assert.Equal(100, m[ProcessMetricNames.WindowTicksPerCpu]);
        Assert.Equal(1.0 / 3, m[ProcessMetricNames.ProcessCpuShare], 12);
        Assert.Equal(200.0 / 400, m[ProcessMetricNames.OtherCpuShare], 12);
        Assert.Equal(0, m[ProcessMetricNames.ShareLowConfidence]);
    }

    [Fact]
    public void Others_busier_than_the_stated_share_give_a_typed_warning_and_a_quiet_machine_none()
    {
        var (proc, clock, meter) = Open();
        using var _ = proc;
        meter.BeginWindow("busy");
        proc.Stat(1300, 9100, 4);  // others: 200 of 400 ticks = 50%
        proc.Process(Pid, 160, 90, rssKb: 1024 * 1024);
        clock.Advance(1);
        var busy = meter.EndWindow();
        var warning = Assert.Single(busy.WarningDetails!, w => w.Code == "other-processes-busy");
        Assert.Contains("50.0%", warning.Cause);
        Assert.Contains("more than 10%", warning.Cause);

        meter.BeginWindow("quiet");
        proc.Stat(1410, 9390, 4);  // 110 busy, 100 of them the process: others 10 of 400 = 2.5%
        proc.Process(Pid, 220, 130, rssKb: 1024 * 1024);
        clock.Advance(1);
        Assert.DoesNotContain(meter.EndWindow().WarningDetails!, w => w.Code == "other-processes-busy");
    }

    [Fact]
    public void Fewer_than_ten_ticks_is_low_confidence()
    {
        var (proc, clock, meter) = Open();
        using var _ = proc;
        meter.BeginWindow("w");
        proc.Stat(1010, 9022, 4);  // 32 ticks over 4 CPUs = 8 ticks per CPU (an 80 ms window)
        proc.Process(Pid, 105, 52, rssKb: 1024 * 1024);
        clock.Advance(0.08);
        var result = meter.EndWindow();
        Assert.Equal(1, result.Metrics[ProcessMetricNames.ShareLowConfidence]);
        Assert.Contains(result.WarningDetails!, w => w.Code == "process-share-low-confidence");
    }

    [Fact]
    public void Resident_memory_is_a_time_weighted_mean_and_the_window_peak_comes_from_a_reset_high_water_mark()
    {
        var (proc, clock, meter) = Open();
        using var _ = proc;
        meter.BeginWindow("w");
        Assert.Equal("5", proc.ClearRefs(Pid)); // VmHWM reset at the window's start
        clock.Advance(1);
        proc.Process(Pid, 100, 50, rssKb: 3 * 1024 * 1024, hwmKb: 4 * 1024 * 1024);
        meter.Sample();
        clock.Advance(1);
        proc.Stat(1100, 9700, 4);
        var m = meter.EndWindow().Metrics;
        // samples at 0 s (1 GiB), 1 s (3 GiB), 2 s (3 GiB): trapezoid ((1 + 3) / 2 + 3) / 2 s = 2.5 GiB
        Assert.Equal(2.5 * (1L << 30), m[ProcessMetricNames.RssMeanBytes], 0);
        Assert.Equal(4L << 30, m[ProcessMetricNames.RssPeakBytes]);
        Assert.Equal(1, m[ProcessMetricNames.RssPeakFromHighWaterMark]);
    }

    [Fact]
    public void Without_clear_refs_the_peak_is_the_largest_sample_and_says_so()
    {
        var (proc, clock, meter) = Open(setUp: p =>
        {
            File.Delete(Path.Combine(p.Root, Pid.ToString(), "clear_refs"));
        });
        using var _ = proc;
        meter.BeginWindow("w");
        proc.Process(Pid, 100, 50, rssKb: 2 * 1024 * 1024, hwmKb: 9 * 1024 * 1024, clearRefs: false); // a lifetime peak from an earlier run
        clock.Advance(0.5);
        meter.Sample();
        clock.Advance(0.5);
        proc.Stat(1100, 9300, 4);
        var m = meter.EndWindow().Metrics;
        Assert.Equal(2L << 30, m[ProcessMetricNames.RssPeakBytes]);
        Assert.Equal(0, m[ProcessMetricNames.RssPeakFromHighWaterMark]);
    }

    [Fact]
    public void A_process_tree_counts_children_found_during_the_window_and_keeps_the_time_of_one_that_exited()
    {
        const int Child = 5000, Grandchild = 5001, Stranger = 6000;
        var (proc, clock, meter) = Open(new ProcessTree(Pid, "server"), p =>
        {
            p.Process(Child, 10, 0, rssKb: 1024, parent: Pid);
            p.Process(Stranger, 500, 0, rssKb: 1024, parent: 1);
        });
        using var _ = proc;
        meter.BeginWindow("w");
        proc.Process(Pid, 120, 50, rssKb: 1024 * 1024);                 // +20
        proc.Process(Child, 40, 0, rssKb: 1024, parent: Pid);          // +30, then exits
        proc.Process(Grandchild, 7, 3, rssKb: 1024, parent: Child);    // started in the window: +10
        proc.Process(Stranger, 900, 0, rssKb: 1024, parent: 1);        // not in the tree
        clock.Advance(1.5);
        meter.Sample(); // rescans the tree (at most once a second)
        proc.Exit(Child);
        proc.Stat(1500, 9500, 4);
        clock.Advance(1);
        var m = meter.EndWindow().Metrics;
        Assert.Equal(60, m[ProcessMetricNames.ProcessCpuTicks]);
        Assert.Equal(3, m[ProcessMetricNames.Members]);
        Assert.Equal(60.0 / 500, m[ProcessMetricNames.ProcessCpuShare], 12);
    }

    [Fact]
    public void Without_proc_stat_the_meter_is_unavailable_and_says_so()
    {
        using var proc = new FakeProc();
        var meter = new ProcessMeter(new ProcessMeterOptions(proc.Root, new CurrentProcess(Pid), BackgroundSample: false), new ManualClock());
        Assert.False(meter.Health.Available);
        meter.BeginWindow("w");
        var result = meter.EndWindow();
        Assert.Empty(result.Metrics);
        Assert.Contains(result.WarningDetails!, w => w.Code == "process-share-unavailable");
    }

    [Fact]
    public void Time_weighted_mean_holds_the_edge_samples()
    {
        Assert.Equal(2.0, ProcessMeter.TimeWeightedMean([(1, 2)], 0, 4));
        Assert.Equal((1 * 2 + 2 * (2 + 6) / 2.0 + 1 * 6) / 4, ProcessMeter.TimeWeightedMean([(1, 2), (3, 6)], 0, 4), 12);
    }
}
