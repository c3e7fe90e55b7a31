using System.Diagnostics;

namespace Lem.Engine.Meters;

/// <summary>
/// Monotonic time for meters, replaceable in tests. <see cref="NowS"/> is seconds since an arbitrary origin.
/// </summary>
public abstract class MeterClock
{
    public abstract double NowS { get; }
    public abstract void Sleep(TimeSpan duration);

    public static MeterClock System { get; } = new SystemMeterClock();

    private sealed class SystemMeterClock : MeterClock
    {
        public override double NowS => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        public override void Sleep(TimeSpan duration) => Thread.Sleep(duration);
    }
}
