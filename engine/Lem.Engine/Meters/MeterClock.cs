using System.Diagnostics;

namespace Lem.Engine.Meters;

/// <summary>
/// Monotonic time for meters, replaceable in tests. <see cref="NowS"/> is seconds since an arbitrary origin.
/// Everything a meter does in time goes through it: reading the time, sleeping, and running a periodic loop.
/// </summary>
public abstract class MeterClock
{
    public abstract double NowS { get; }
    public abstract void Sleep(TimeSpan duration);

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
        public override void Sleep(TimeSpan duration) => Thread.Sleep(duration);
        public override MeterLoop StartLoop(string name, TimeSpan interval, Action tick) => new ThreadMeterLoop(name, interval, tick);
    }
}
