using Lem.Engine.Meters;
using Lem.Engine.Running;
using Lem.Engine.Tests.Meters;

namespace Lem.Engine.Tests.Running;

/// <summary>
/// Data-parallel workers on threads of their own, moved step by step by the test on a manual clock: the clock stands
/// still while a worker acts, so every edge falls at a known time and the assertions are exact.
/// </summary>
public sealed class HostEnergySpanTests
{
    /// <summary>Only a deadlock guard: a test that waits this long has failed anyway.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>A host meter whose energy is the time between its window edges at 1 W, and which remembers them.</summary>
    private sealed class TimeMeter(MeterClock clock) : IMeter
    {
        public double? BeginS { get; private set; }
        public double? EndS { get; private set; }
        public int Windows { get; private set; }
        public string Name => "time";
        public MeterHealth Health => new(Name, true, "test");

        public void BeginWindow(string windowName)
        {
            Windows++;
            BeginS = clock.NowS;
        }

        public MeterWindowResult EndWindow()
        {
            EndS = clock.NowS;
            return MeterWindowResult.Create(Name, [new EnergyFigure("cpu", EndS - BeginS, EnergySource.Estimated, "1 W")], new Dictionary<string, double>(), []);
        }

        public void Dispose() { }
    }

    /// <summary>A worker that prepares until told to arrive at the start, then measures until told to end its window;
    /// told to fail instead, it fails there and abandons the span, as the runner's workers do.</summary>
    private sealed class Worker
    {
        private readonly TaskCompletionSource<bool> _arrive = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _inWindow = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Worker(HostEnergySpan span, int index, MeterClock clock)
        {
            Done = Task.Factory.StartNew(() =>
            {
                try
                {
                    if (_arrive.Task.Result) throw new InvalidOperationException("load failed");
                    span.StartTogether(index);
                    WindowBeginS = clock.NowS;
                    _inWindow.SetResult();
                    if (_end.Task.Result) throw new InvalidOperationException("out of memory");
                    span.WindowEnded(index);
                }
                catch
                {
                    span.Abandon(index);
                    _inWindow.TrySetResult();
                    throw;
                }
            }, TaskCreationOptions.LongRunning);
        }

        public double? WindowBeginS { get; private set; }

        /// <summary>Completes when the worker has passed the start barrier (or failed).</summary>
        public Task InWindow => _inWindow.Task.WaitAsync(Guard);

        public Task Done { get; }

        public void Arrive() => _arrive.SetResult(false);
        public Task FailBeforeStart() => Finish(_arrive);
        public Task EndWindow() => Finish(_end, fail: false);
        public Task FailInWindow() => Finish(_end);

        private Task Finish(TaskCompletionSource<bool> step, bool fail = true)
        {
            step.SetResult(fail);
            return Done.WaitAsync(Guard);
        }
    }

    private static (ManualClock, TimeMeter, HostEnergySpan, Worker[]) Start(int workers)
    {
        var clock = new ManualClock();
        var meter = new TimeMeter(clock);
        var span = new HostEnergySpan([meter], workers, clock);
        return (clock, meter, span, Enumerable.Range(0, workers).Select(i => new Worker(span, i, clock)).ToArray());
    }

    [Fact]
    public async Task Host_meters_run_from_the_common_start_to_the_end_of_the_slowest_worker()
    {
        var (clock, meter, span, w) = Start(3);
        using var _ = span;
        var t0 = clock.NowS;
        w[0].Arrive();                      // load and warm-up take different times on different GPUs
        clock.Advance(0.04);
        w[2].Arrive();
        clock.Advance(0.04);
        w[1].Arrive();                      // the last, at t0 + 0.08: the host meters begin
        await Task.WhenAll(w.Select(x => x.InWindow));
        Assert.Equal(t0 + 0.08, meter.BeginS!.Value, 9);
        Assert.All(w, x => Assert.Equal(t0 + 0.08, x.WindowBeginS!.Value, 9)); // no window began before them

        clock.Advance(0.03);
        await w[0].EndWindow();
        clock.Advance(0.07);
        await w[2].EndWindow();
        Assert.Null(meter.EndS);           // still measuring: worker 1's window is open
        clock.Advance(0.15);
        await w[1].EndWindow();             // the slowest, at t0 + 0.33

        var measured = span.WaitForSpan();
        Assert.Equal(1, meter.Windows);
        Assert.Equal(t0 + 0.33, meter.EndS!.Value, 9);
        Assert.Equal(0.25, measured.DurationS, 9);
        Assert.Equal(0.25, Assert.Single(measured.Energy).EnergyJ!.Value, 9); // 1 W over the span
    }

    [Fact]
    public async Task A_worker_that_fails_before_the_start_keeps_no_one_waiting()
    {
        var (clock, meter, span, w) = Start(2);
        using var _ = span;
        w[1].Arrive();                      // waits at the start for worker 0
        clock.Advance(0.02);
        await Assert.ThrowsAsync<InvalidOperationException>(() => w[0].FailBeforeStart());
        await w[1].InWindow;                // released without it
        clock.Advance(0.06);
        await w[1].EndWindow();
        Assert.Equal(0.06, span.WaitForSpan().DurationS, 9);
        Assert.Equal(1, meter.Windows);
    }

    [Fact]
    public async Task A_worker_that_fails_in_its_window_ends_its_share_of_the_span()
    {
        var (clock, _, span, w) = Start(2);
        using var _span = span;
        w[0].Arrive();
        w[1].Arrive();
        await Task.WhenAll(w.Select(x => x.InWindow));
        clock.Advance(0.01);
        await Assert.ThrowsAsync<InvalidOperationException>(() => w[0].FailInWindow());
        clock.Advance(0.07);
        await w[1].EndWindow();
        Assert.Equal(0.08, span.WaitForSpan().DurationS, 9);
    }

    [Fact]
    public async Task No_worker_reaching_the_start_is_said_plainly()
    {
        var (_, meter, span, w) = Start(2);
        using var _span = span;
        await Assert.ThrowsAsync<InvalidOperationException>(() => w[0].FailBeforeStart());
        await Assert.ThrowsAsync<InvalidOperationException>(() => w[1].FailBeforeStart());
        var e = Assert.Throws<RunnerException>(() => span.WaitForSpan());
        Assert.Contains("no data-parallel worker reached the start", e.Message);
        Assert.Equal(0, meter.Windows);
    }
}
