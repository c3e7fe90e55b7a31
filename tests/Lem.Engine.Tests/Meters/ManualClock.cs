using System.Diagnostics;
using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Meters;

/// <summary>
/// A clock that moves only when told: <see cref="Sleep"/> advances it instantly, <see cref="DelayUntilAsync"/> completes
/// when a test advances past the deadline. Continuations run inline on the advancing call, so a test that drives an
/// asynchronous scheduler with <see cref="RunUntilComplete"/> is deterministic and single-threaded.
/// </summary>
public sealed class ManualClock(double startS = 1000) : MeterClock
{
    private readonly Lock _lock = new();
    private readonly List<(long Ticks, TaskCompletionSource Done)> _waiters = [];
    // ticks are the primary count, so that tick-based waits and timestamps are exact
    private long _ticks = (long)Math.Round(startS * Stopwatch.Frequency);

    public override double NowS => (double)Volatile.Read(ref _ticks) / Stopwatch.Frequency;

    public override long NowTicks => Volatile.Read(ref _ticks);

    public override void Sleep(TimeSpan duration) => Advance(duration.TotalSeconds);

    public override void SleepUntil(long ticks, CancellationToken cancellation = default)
    {
        var remaining = ticks - NowTicks;
        if (remaining > 0) AdvanceTo(ticks);
    }

    public override Task DelayUntilAsync(long ticks, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            if (ticks <= NowTicks) return Task.CompletedTask;
            var done = new TaskCompletionSource();
            _waiters.Add((ticks, done));
            return done.Task;
        }
    }

    public void Advance(double seconds) => AdvanceTo(NowTicks + (long)Math.Round(seconds * Stopwatch.Frequency));

    /// <summary>Moves to <paramref name="ticks"/> (never back) and completes every waiter due by then, earliest first.</summary>
    public void AdvanceTo(long ticks)
    {
        while (true)
        {
            TaskCompletionSource? due = null;
            lock (_lock)
            {
                var next = _waiters.Where(w => w.Ticks <= ticks).OrderBy(w => w.Ticks).FirstOrDefault();
                if (next.Done is not null)
                {
                    _waiters.Remove(next);
                    SetNow(next.Ticks);
                    due = next.Done;
                }
            }
            if (due is null) break;
            Complete(due);
        }
        if (ticks > NowTicks) SetNow(ticks);
    }

    /// <summary>Advances to each next deadline until <paramref name="task"/> has completed; fails if it waits on nothing the clock knows.</summary>
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
            AdvanceTo(next);
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Completes a waiter with continuations run here, on this thread: .NET inlines them only where no synchronisation
    /// context is current (a test framework installs one on its threads), so none is for the call.
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

    private void SetNow(long ticks)
    {
        if (ticks > _ticks) Volatile.Write(ref _ticks, ticks);
    }
}
