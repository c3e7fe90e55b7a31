using System.Globalization;

namespace Lem.Engine.Config;

/// <summary>Durations as the language writes them: <c>250ms</c>, <c>30s</c>, <c>2m</c>, <c>1.5h</c>.</summary>
public static class DurationText
{
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        if (value.TotalMilliseconds < 1000 || value.TotalMilliseconds % 1000 != 0) return value.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture) + "ms";
        if (value.TotalSeconds < 60 || value.TotalSeconds % 60 != 0) return value.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) + "s";
        if (value.TotalMinutes < 60 || value.TotalMinutes % 60 != 0) return value.TotalMinutes.ToString("R", CultureInfo.InvariantCulture) + "m";
        return value.TotalHours.ToString("R", CultureInfo.InvariantCulture) + "h";
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        (string suffix, double seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var number = text[..^suffix.Length];
            if (suffix == "s" && number.EndsWith('m')) continue; // "ms" handled first
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                // Round to whole ticks: 2.9 * 0.001 s is 28999.999... ticks in binary floating point.
                var ticks = Math.Round(n * seconds * TimeSpan.TicksPerSecond);
                if (ticks > TimeSpan.MaxValue.Ticks) return false;
                value = TimeSpan.FromTicks((long)ticks);
                return true;
            }
        }
        return false;
    }
}
