namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// Measures how often an energy counter changes: polls every <c>pollInterval</c> until <c>changes</c> changes are seen
/// or <c>timeout</c> passes. The period is the mean gap between the first and the last change seen.
/// </summary>
public static class UpdatePeriodProbe
{
    /// <returns>The update period in ms, or null when fewer than two changes were seen (or the counter could not be read).</returns>
    public static double? MeasureMs(Func<ulong?> readCounter, MeterClock clock, TimeSpan pollInterval, int changes, TimeSpan timeout)
    {
        var start = clock.NowS;
        var last = readCounter();
        if (last is null) return null;
        double? firstChangeS = null;
        var lastChangeS = 0.0;
        var seen = 0;
        while (seen < changes && clock.NowS - start < timeout.TotalSeconds)
        {
            clock.Sleep(pollInterval);
            var value = readCounter();
            if (value is null) return null;
            if (value == last) continue;
            var now = clock.NowS;
            firstChangeS ??= now;
            lastChangeS = now;
            seen++;
            last = value;
        }
        if (seen < 2 || firstChangeS is null) return null;
        return (lastChangeS - firstChangeS.Value) / (seen - 1) * 1000.0;
    }
}
