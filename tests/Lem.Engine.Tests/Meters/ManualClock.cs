using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Meters;

/// <summary>
/// A clock that moves only when told. <see cref="Advance(TimeSpan)"/> (and <see cref="Sleep"/>, which is the same)
/// runs every loop tick that falls due on the way, in time order, on the calling thread, with the clock reading the
/// tick's time: a loop with interval i started at t ticks at exactly t + i, t + 2i, … (plus whatever its ticks sleep,
/// as the system loop waits after each tick). Time is kept in whole TimeSpan ticks (100 ns), so sums are exact.
/// </summary>
public sealed class ManualClock(double startS = 1000) : MeterClock
{
    private readonly object _advancing = new(); // a Monitor, which lets a tick that sleeps re-enter Advance
    private readonly Lock _lock = new();
    private readonly List<ManualLoop> _loops = [];
    private long _elapsedTicks;
    private int _depth;

    public override double NowS
    {
        get
        {
            lock (_lock) return startS + _elapsedTicks / (double)TimeSpan.TicksPerSecond;
        }
    }

    public override void Sleep(TimeSpan duration) => Advance(duration);

    public void Advance(double seconds) => Advance(TimeSpan.FromSeconds(seconds));

    public void Advance(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        lock (_advancing)
        {
            long target;
            lock (_lock) target = _elapsedTicks + duration.Ticks;
            if (++_depth > 1)
            {
                // a tick that sleeps: its time passes; the outer Advance runs whatever falls due meanwhile
                lock (_lock) _elapsedTicks = target;
                _depth--;
                return;
            }
            try
            {
                while (NextDue(target) is { } loop)
                {
                    lock (_lock) _elapsedTicks = Math.Max(_elapsedTicks, loop.DueTicks);
                    loop.Tick();
                    lock (_lock) loop.DueTicks = _elapsedTicks + loop.IntervalTicks;
                }
                lock (_lock) _elapsedTicks = Math.Max(_elapsedTicks, target);
            }
            finally
            {
                _depth--;
            }
        }
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
            var loop = new ManualLoop(this, interval.Ticks, tick) { DueTicks = _elapsedTicks + interval.Ticks };
            _loops.Add(loop);
            return loop;
        }
    }

    private ManualLoop? NextDue(long targetTicks)
    {
        lock (_lock) return _loops.Where(l => l.DueTicks <= targetTicks).MinBy(l => l.DueTicks);
    }

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
