using System.Diagnostics;
using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Meters;

/// <summary>
/// A clock that moves only when told. <see cref="Advance(TimeSpan)"/> (and <see cref="Sleep"/>, which is the same)
/// runs, in time order and on the calling thread, every loop tick that falls due on the way (a loop with interval i
/// started at t ticks at exactly t + i, t + 2i, …, plus whatever its ticks sleep, as the system loop waits after each
/// tick) and completes every <see cref="DelayUntilAsync"/> waiter whose deadline is passed, with its continuations
/// inline. <see cref="WaitFor{T}"/> advances to each next deadline until a task has completed, so a test that drives an
/// asynchronous scheduler is deterministic and single-threaded. Time is kept in whole <see cref="Stopwatch"/> ticks
/// (the unit of token timestamps), so sums and tick-based waits are exact.
/// </summary>
public sealed class ManualClock(double startS = 1000) : MeterClock
{
    private readonly object _advancing = new(); // a Monitor, which lets a tick that sleeps re-enter Advance
    private readonly Lock _lock = new();
    private readonly List<ManualLoop> _loops = [];
    private readonly List<(long Ticks, TaskCompletionSource Done)> _waiters = [];
    private readonly long _startTicks = (long)Math.Round(startS * Stopwatch.Frequency);
    private long _elapsedTicks;
    private int _depth;

    public override double NowS
    {
        get
        {
            lock (_lock) return startS + _elapsedTicks / (double)Stopwatch.Frequency;
        }
    }

    public override long NowTicks
    {
        get
        {
            lock (_lock) return _startTicks + _elapsedTicks;
        }
    }

    public override void Sleep(TimeSpan duration) => Advance(duration);

    public override void SleepUntil(long ticks, CancellationToken cancellation = default)
    {
        var remaining = ticks - NowTicks;
        if (remaining > 0) AdvanceBy(remaining);
    }

    public override Task DelayUntilAsync(long ticks, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            if (ticks <= _startTicks + _elapsedTicks) return Task.CompletedTask;
            var done = new TaskCompletionSource();
            _waiters.Add((ticks, done));
            return done.Task;
        }
    }

    public void Advance(double seconds) => Advance(TimeSpan.FromSeconds(seconds));

    public void Advance(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        AdvanceBy(StopwatchTicks(duration));
    }

    /// <summary>Advances to each next waiter's deadline until <paramref name="task"/> has completed; fails if it waits on nothing this clock knows.</summary>
    public override T WaitFor<T>(Task<T> task)
    {
        while (!task.IsCompleted)
        {
            long next;
            lock (_lock)
            {
                if (_waiters.Count == 0) throw new InvalidOperationException("the task waits for something other than this clock");
                next = _waiters.Min(w => w.Ticks);
            }
            var remaining = next - NowTicks;
            AdvanceBy(Math.Max(0, remaining));
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Loops running now.</summary>
    public int RunningLoops
    {
        get
        {
            lock (_lock) return _loops.Count;
        }
    }

    public override MeterLoop StartLoop(string name, TimeSpan interval, Action tick)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        lock (_lock)
        {
            var loop = new ManualLoop(this, StopwatchTicks(interval), tick) { DueTicks = _elapsedTicks + StopwatchTicks(interval) };
            _loops.Add(loop);
            return loop;
        }
    }

    private void AdvanceBy(long ticks)
    {
        lock (_advancing)
        {
            long target;
            lock (_lock) target = _elapsedTicks + ticks;
            if (++_depth > 1)
            {
                // a tick that sleeps: its time passes; the outer Advance runs whatever falls due meanwhile
                lock (_lock) _elapsedTicks = Math.Max(_elapsedTicks, target);
                _depth--;
                return;
            }
            try
            {
                while (true)
                {
                    ManualLoop? loop;
                    (long Ticks, TaskCompletionSource Done) waiter;
                    lock (_lock)
                    {
                        loop = _loops.Where(l => l.DueTicks <= target).MinBy(l => l.DueTicks);
                        waiter = _waiters.Where(w => w.Ticks - _startTicks <= target).OrderBy(w => w.Ticks).FirstOrDefault();
                        var waiterDue = waiter.Done is null ? long.MaxValue : waiter.Ticks - _startTicks;
                        if (loop is null && waiter.Done is null) break;
                        if (loop is not null && loop.DueTicks <= waiterDue)
                        {
                            _elapsedTicks = Math.Max(_elapsedTicks, loop.DueTicks);
                            waiter = default;
                        }
                        else
                        {
                            _elapsedTicks = Math.Max(_elapsedTicks, waiterDue);
                            _waiters.Remove(waiter);
                            loop = null;
                        }
                    }
                    if (loop is not null)
                    {
                        loop.Tick();
                        lock (_lock) loop.DueTicks = _elapsedTicks + loop.IntervalTicks;
                    }
                    else
                    {
                        Complete(waiter.Done!);
                    }
                }
                lock (_lock) _elapsedTicks = Math.Max(_elapsedTicks, target);
            }
            finally
            {
                _depth--;
            }
        }
    }

    /// <summary>
    /// Completes a waiter with its continuations run here, on this thread: .NET inlines them only where no
    /// synchronisation context is current (a test framework installs one on its threads), so none is for the call.
    /// </summary>
    private static void Complete(TaskCompletionSource waiter)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            waiter.SetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private static long StopwatchTicks(TimeSpan duration) => (long)Math.Round(duration.Ticks * (double)Stopwatch.Frequency / TimeSpan.TicksPerSecond);

    private void Remove(ManualLoop loop)
    {
        lock (_lock) _loops.Remove(loop);
    }

    /// <summary>Ticks run on the thread that advances the clock: it has no thread CPU time of its own; its allocations
    /// are those of its ticks.</summary>
    private sealed class ManualLoop(ManualClock clock, long intervalTicks, Action tick) : MeterLoop
    {
        private long _allocatedBytes;

        public long IntervalTicks { get; } = intervalTicks;
        public long DueTicks { get; set; }

        public void Tick()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            tick();
            _allocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        public override void Stop() => clock.Remove(this);

        public override double? CpuS => null;

        public override long AllocatedBytes => _allocatedBytes;
    }
}
