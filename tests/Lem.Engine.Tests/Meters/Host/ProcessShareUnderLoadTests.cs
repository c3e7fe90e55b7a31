using System.Diagnostics;
using Lem.Engine.Measurement;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Meters.Host;

namespace Lem.Engine.Tests.Meters.Host;

[CollectionDefinition(nameof(SerialCpuCollection), DisableParallelization = true)]
public sealed class SerialCpuCollection;

/// <summary>
/// The real /proc with a real second process burning CPU beside the measured span. The span burns a fixed amount of
/// this process's own CPU time (100 ticks, read from /proc/self/stat — never wall-clock time), so the process figure
/// of the CPU estimate, E = CPU share × utilisation × TDP × T = process ticks / all ticks × TDP × T, must not change with
/// the load, while the rest of the machine's share rises above the warning limit. Tolerance 10%: ±1 tick of the
/// process's 100 at each edge, ±1 tick per CPU of /proc/stat at each edge, and the CPU time of this process's other
/// threads (the runtime's), which count as the process's. Runs alone (no other test in this process burns CPU meanwhile).
/// </summary>
[Collection(nameof(SerialCpuCollection))]
public class ProcessShareUnderLoadTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const ulong SpanTicks = 100;
    private const double TdpW = 100;
    private static readonly ProcFolder Proc = new();

    [FakeLoadFact] // skipped, with the reason, without /proc or without sh and timeout
    public void The_process_figure_is_unchanged_by_a_second_process_burning_cpu_and_the_warning_is_there()
    {
        var quiet = MeasureSpan();
        // bounded: timeout ends it after 60 s even if this test dies; killed below by its own id
        var burner = Process.Start(new ProcessStartInfo("timeout", ["60", "sh", "-c", "while :; do :; done"]) { UseShellExecute = false })!;
        try
        {
            WaitUntilBurning(burner);
            var loaded = MeasureSpan();
            output.WriteLine($"quiet: process {quiet.ProcessJ:F2} J, system {quiet.SystemJ:F2} J, others {quiet.OtherShare:P1}; "
                + $"loaded: process {loaded.ProcessJ:F2} J, system {loaded.SystemJ:F2} J, others {loaded.OtherShare:P1}; ratio {loaded.ProcessJ / quiet.ProcessJ:F3}");

            Assert.InRange(loaded.ProcessJ / quiet.ProcessJ, 0.9, 1.1);
            Assert.True(loaded.OtherShare > 0.10, $"other processes' share {loaded.OtherShare:P1} should exceed the 10% limit with a CPU burner running");
            Assert.Contains(loaded.Warnings, w => w == "other-processes-busy");
            // the system figure carries the burner's CPU time: its share of busy ticks is what the process is not
            Assert.True(loaded.ProcessShare < 1);
        }
        finally
        {
            burner.Kill(entireProcessTree: true);
            burner.WaitForExit();
            burner.Dispose();
        }
    }

    private sealed record Span(double ProcessJ, double SystemJ, double ProcessShare, double OtherShare, IReadOnlyList<string> Warnings);

    private static Span MeasureSpan()
    {
        var meter = new ProcessMeter(new ProcessMeterOptions(BackgroundSample: false));
        var cpu = new CpuEnergyEstimator(new EstimateOptions(CpuTdpW: TdpW));
        var window = MeasurementWindow.Measure("span", [cpu, meter], () => BurnOwnCpu(SpanTicks));
        var host = HostAttribution.Apply(window.Results);
        var component = host.Components.Single(c => c.Component == "cpu");
        return new Span(component.Process.EnergyJ!.Value, component.System.EnergyJ!.Value,
            host.Metrics[ProcessMetricNames.ProcessCpuShare], host.Metrics[ProcessMetricNames.OtherCpuShare],
            window.Results.SelectMany(r => r.WarningDetails ?? []).Select(w => w.Code).ToList());
    }

    /// <summary>Spins until this process's utime + stime has grown by <paramref name="ticks"/>.</summary>
    private static void BurnOwnCpu(ulong ticks)
    {
        var start = Proc.ReadProcessTicks(Environment.ProcessId)!.Value;
        var x = 1.0;
        while (Proc.ReadProcessTicks(Environment.ProcessId)!.Value - start < ticks)
            for (var i = 0; i < 200_000; i++) x = x * 1.0000001 + 1e-9;
        GC.KeepAlive(x);
    }

    /// <summary>Waits (at most 200 polls of 10 ms) until the burner's process tree has used CPU time.</summary>
    private static void WaitUntilBurning(Process burner)
    {
        var tree = new ProcessTree(burner.Id);
        for (var i = 0; i < 200; i++)
        {
            var ticks = tree.Members(Proc).Sum(pid => (double)(Proc.ReadProcessTicks(pid) ?? 0));
            if (ticks >= 5) return;
            Thread.Sleep(10);
        }
        Assert.Fail("the CPU burner did not start burning");
    }
}
