using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Meters;

/// <summary>A clock that moves only when told: <see cref="Sleep"/> advances it instantly.</summary>
public sealed class ManualClock(double startS = 1000) : MeterClock
{
    private double _now = startS;

    public override double NowS => Volatile.Read(ref _now);

    public override void Sleep(TimeSpan duration) => Advance(duration.TotalSeconds);

    public void Advance(double seconds) => Volatile.Write(ref _now, _now + seconds);
}
