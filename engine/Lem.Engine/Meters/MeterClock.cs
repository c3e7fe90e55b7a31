using System.Diagnostics;

namespace Lem.Engine.Meters;

/// <summary>
/// Monotonic time for meters, samplers and the workload schedulers, replaceable in tests. <see cref="NowS"/> is seconds
/// since an arbitrary origin; <see cref="NowTicks"/> the same instant in <see cref="Stopwatch"/> ticks, the unit of the
/// token timestamps backends report (<see cref="Inference.ITokenObserver"/>). Everything a meter or a scheduler does in
/// time goes through it: reading the time, sleeping, waiting, and running a periodic loop.
/// </summary>
public abstract class MeterClock
{
    public abstract double NowS { get; }
    public abstract void Sleep(TimeSpan duration);

    /// <summary>The current instant in <see cref="Stopwatch"/> ticks.</summary>
    public virtual long NowTicks => (long)(NowS * Stopwatch.Frequency);

    /// <summary>Blocks until <see cref="NowTicks"/> reaches <paramref name="ticks"/> (at once if it already has).</summary>
    public virtual void SleepUntil(long ticks, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var remaining = ticks - NowTicks;
        if (remaining > 0) Sleep(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
    }

    /// <summary>Completes when <see cref="NowTicks"/> reaches <paramref name="ticks"/>.</summary>
    public virtual Task DelayUntilAsync(long ticks, CancellationToken cancellation = default)
    {
        var remaining = ticks - NowTicks;
        return remaining <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), cancellation);
    }

    /// <summary>Blocks until <paramref name="task"/> (asynchronous work timed by this clock) has completed, and returns its result.
    /// A test clock advances its own time here; the system clock just waits.</summary>
    public virtual T WaitFor<T>(Task<T> task) => task.GetAwaiter().GetResult();

    /// <summary>
    /// Calls <paramref name="tick"/> repeatedly until the returned loop is stopped, waiting <paramref name="interval"/>
    /// before each call (counted from the end of the previous one). The system clock runs it on a thread of its own
    /// named <paramref name="name"/>; a test clock runs the ticks as its time is advanced.
    /// </summary>
    public abstract MeterLoop StartLoop(string name, TimeSpan interval, Action tick);

    public static MeterClock System { get; } = new SystemMeterClock();

    private sealed class SystemMeterClock : MeterClock
    {
        public override double NowS => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        public override long NowTicks => Stopwatch.GetTimestamp();
        public override void Sleep(TimeSpan duration) => Thread.Sleep(duration);

        /// <summary>Sleeps in steps of at most 100 ms, then spins the last 2 ms: arrivals land within microseconds of their time.</summary>
        public override void SleepUntil(long ticks, CancellationToken cancellation = default)
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                var remainingS = (double)(ticks - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
                if (remainingS <= 0) return;
                if (remainingS > 0.002) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(remainingS - 0.0015, 0.1)));
                else Thread.SpinWait(64);
            }
        }

        /// <summary>A timer for all but the last 2 ms, then a spin on the pool: open-loop sends land close to their time.</summary>
        public override async Task DelayUntilAsync(long ticks, CancellationToken cancellation = default)
        {
            var remainingS = (double)(ticks - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
            if (remainingS > 0.002) await Task.Delay(TimeSpan.FromSeconds(remainingS - 0.0015), cancellation).ConfigureAwait(false);
            while (Stopwatch.GetTimestamp() < ticks)
            {
                cancellation.ThrowIfCancellationRequested();
                Thread.SpinWait(64);
            }
        }

        public override MeterLoop StartLoop(string name, TimeSpan interval, Action tick) => new ThreadMeterLoop(name, interval, tick);
    }
}
