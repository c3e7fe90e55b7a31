using System.Globalization;

namespace Lem.Engine.Meters.Estimates;

/// <summary>The aggregate "cpu" line of /proc/stat, in clock ticks.</summary>
public readonly record struct CpuTimes(ulong Busy, ulong Total)
{
    /// <summary>
    /// Ticks per second of /proc/stat and /proc/PID/stat (USER_HZ): 100 on every architecture Linux runs this tool on
    /// (x86-64, arm64), fixed by the kernel's user ABI whatever the scheduler's own tick rate.
    /// </summary>
    public const double UserHz = 100;

    /// <summary>Parses the first line (<c>cpu user nice system idle iowait irq softirq steal guest guest_nice</c>).</summary>
    public static CpuTimes Parse(string procStat)
    {
        var line = procStat.Split('\n').FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal))
            ?? throw new FormatException("/proc/stat has no aggregate 'cpu' line.");
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => ulong.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        if (fields.Length < 4) throw new FormatException($"/proc/stat 'cpu' line has {fields.Length} fields, expected at least 4.");
        // guest and guest_nice are already counted in user and nice, so only the first eight fields add up.
        var total = fields.Take(8).Aggregate(0UL, (a, b) => a + b);
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        return new CpuTimes(total - idle, total);
    }

    public static CpuTimes Read(string procRoot = "/proc") => Parse(File.ReadAllText(Path.Combine(procRoot, "stat")));

    /// <summary>Busy fraction between two readings, 0..1; null when no time passed.</summary>
    public static double? Utilisation(CpuTimes begin, CpuTimes end)
    {
        var total = end.Total - begin.Total;
        return total == 0 ? null : (double)(end.Busy - begin.Busy) / total;
    }
}
