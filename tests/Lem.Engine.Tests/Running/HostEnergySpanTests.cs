using Lem.Engine.Meters;
using Lem.Engine.Running;

namespace Lem.Engine.Tests.Running;

public sealed class HostEnergySpanTests
{
    /// <summary>A host meter whose energy is the time between its window edges at 1 W, and which remembers them.</summary>
    private sealed class TimeMeter : IMeter
    {
        public double? BeginS { get; private set; }
        public double? EndS { get; private set; }
        public int Windows { get; private set; }
        public string Name => "time";
        public MeterHealth Health => new(Name, true, "test");

        public void BeginWindow(string windowName)
        {
            Windows++;
            BeginS = MeterClock.System.NowS;
        }

        public MeterWindowResult EndWindow()
        {
            EndS = MeterClock.System.NowS;
            return MeterWindowResult.Create(Name, [new EnergyFigure("cpu", EndS - BeginS, EnergySource.Estimated, "1 W")], new Dictionary<string, double>(), []);
        }

        public void Dispose() { }
    }

    private sealed record Worker(double ArrivedS, double WindowBeginS, double WindowEndS);

    private static Task<Worker> Run(HostEnergySpan span, int worker, int prepareMs, int windowMs, bool failBeforeStart = false, bool failInWindow = false) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                Thread.Sleep(prepareMs); // load and warm-up take different times on different GPUs
                if (failBeforeStart) throw new InvalidOperationException("load failed");
                var arrived = MeterClock.System.NowS;
                span.StartTogether(worker);
                var begin = MeterClock.System.NowS;
                Thread.Sleep(windowMs);
                if (failInWindow) throw new InvalidOperationException("out of memory");
                var end = MeterClock.System.NowS;
                span.WindowEnded(worker);
                return new Worker(arrived, begin, end);
            }
            catch
            {
                span.Abandon(worker);
                throw;
            }
        }, TaskCreationOptions.LongRunning);

    [Fact]
    public async Task Host_meters_run_from_the_common_start_to_the_end_of_the_slowest_worker()
    {
        var meter = new TimeMeter();
        using var span = new HostEnergySpan([meter], 3);
        var workers = new[] { Run(span, 0, 0, 30), Run(span, 1, 80, 250), Run(span, 2, 40, 100) };
        var measured = span.WaitForSpan();
        var results = await Task.WhenAll(workers);

        Assert.Equal(1, meter.Windows);
        // began once all had arrived, before any window began
        Assert.True(meter.BeginS >= results.Max(w => w.ArrivedS));
        Assert.True(meter.BeginS <= results.Min(w => w.WindowBeginS));
        // ended after the slowest worker's window (worker 1, 250 ms), not after worker 0's (30 ms)
        Assert.True(meter.EndS >= results.Max(w => w.WindowEndS));
        var energyJ = Assert.Single(measured.Energy).EnergyJ!.Value;
        Assert.True(energyJ >= 0.25, $"host energy {energyJ} J covers the 250 ms window of the slowest worker");
        // 1 W over the span, within 20 ms: the meter and the span read the clock a few ms apart on a loaded machine
        // (rounding both to 2 decimals, as before, failed whenever they fell either side of a 10 ms boundary)
        Assert.InRange(energyJ, measured.DurationS - 0.02, measured.DurationS + 0.02);
    }

    [Fact]
    public async Task A_worker_that_fails_before_the_start_keeps_no_one_waiting()
    {
        var meter = new TimeMeter();
        using var span = new HostEnergySpan([meter], 2);
        var failing = Run(span, 0, 20, 0, failBeforeStart: true);
        var healthy = Run(span, 1, 0, 60);
        await healthy.WaitAsync(TimeSpan.FromSeconds(10)); // passed the start barrier without the failed worker
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.True(span.WaitForSpan().DurationS >= 0.06);
        Assert.Equal(1, meter.Windows);
    }

    [Fact]
    public async Task A_worker_that_fails_in_its_window_ends_its_share_of_the_span()
    {
        using var span = new HostEnergySpan([new TimeMeter()], 2);
        var failing = Run(span, 0, 0, 10, failInWindow: true);
        var healthy = Run(span, 1, 0, 80);
        var measured = span.WaitForSpan();
        await healthy.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.True(measured.DurationS >= 0.08);
    }

    [Fact]
    public async Task No_worker_reaching_the_start_is_said_plainly()
    {
        var meter = new TimeMeter();
        using var span = new HostEnergySpan([meter], 2);
        var tasks = new[] { Run(span, 0, 0, 0, failBeforeStart: true), Run(span, 1, 10, 0, failBeforeStart: true) };
        await Assert.ThrowsAsync<InvalidOperationException>(() => Task.WhenAll(tasks));
        var e = Assert.Throws<RunnerException>(() => span.WaitForSpan());
        Assert.Contains("no data-parallel worker reached the start", e.Message);
        Assert.Equal(0, meter.Windows);
    }
}
