using Lem.Engine.Meters;

namespace Lem.Engine.Running.Schedules;

/// <summary>
/// The time of day for schedules, and waiting for it: the system's, or one that moves with a <see cref="MeterClock"/>
/// (tests pass the manual clock, so a daemon waits for days in no time and exactly).
/// </summary>
public abstract class WallClock
{
    public abstract DateTimeOffset UtcNow { get; }

    /// <summary>Waits until <paramref name="utc"/> (at once if it has passed).</summary>
    public abstract void SleepUntil(DateTimeOffset utc);

    public static WallClock System { get; } = new SystemWallClock();

    /// <summary>A wall clock at <paramref name="originUtc"/> when <paramref name="clock"/> reads what it reads now, moving with it.</summary>
    public static WallClock On(MeterClock clock, DateTimeOffset originUtc) => new MeterWallClock(clock, originUtc);

    private sealed class SystemWallClock : WallClock
    {
        public override DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

        /// <summary>Sleeps in steps of at most a minute and reads the time again after each, so that a clock set
        /// forward (NTP, a suspended machine) is followed.</summary>
        public override void SleepUntil(DateTimeOffset utc)
        {
            while (true)
            {
                var remaining = utc - DateTimeOffset.UtcNow;
                if (remaining <= TimeSpan.Zero) return;
                Thread.Sleep(remaining < TimeSpan.FromMinutes(1) ? remaining : TimeSpan.FromMinutes(1));
            }
        }
    }

    private sealed class MeterWallClock(MeterClock clock, DateTimeOffset originUtc) : WallClock
    {
        private readonly double _originS = clock.NowS;

        public override DateTimeOffset UtcNow => originUtc + TimeSpan.FromSeconds(clock.NowS - _originS);

        public override void SleepUntil(DateTimeOffset utc)
        {
            var remaining = utc - UtcNow;
            if (remaining > TimeSpan.Zero) clock.Sleep(remaining);
        }
    }
}
