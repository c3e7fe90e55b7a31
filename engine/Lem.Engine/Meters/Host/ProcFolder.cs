using System.Globalization;
using Lem.Engine.Meters.Estimates;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// The one code path that reads /proc for host energy: the machine's CPU time (<c>stat</c>), a process's CPU time
/// (<c>PID/stat</c>: utime + stime), its resident set (<c>PID/status</c>: VmRSS, VmHWM), its parent (for process trees)
/// and the high-water-mark reset (<c>PID/clear_refs</c>). Tests give it a fake folder laid out the same way.
/// All CPU times are in clock ticks (USER_HZ), the unit of both files.
/// </summary>
public sealed class ProcFolder(string root = ProcFolder.DefaultRoot)
{
    public const string DefaultRoot = "/proc";

    public string Root { get; } = root;

    public bool HasStat => File.Exists(Path.Combine(Root, "stat"));

    /// <summary>The aggregate cpu line of /proc/stat (busy and total ticks over all CPUs).</summary>
    public CpuTimes ReadSystem() => CpuTimes.Read(Root);

    /// <summary>utime + stime of a process in ticks; null when it no longer exists (or cannot be read).</summary>
    public ulong? ReadProcessTicks(int pid) => ReadStatFields(pid) is { } f ? f.UtimeTicks + f.StimeTicks : null;

    /// <summary>
    /// cutime + cstime of a process in ticks: the CPU time of its children that have exited and that it has waited
    /// for (each with its own waited-for descendants); null when it no longer exists.
    /// </summary>
    public ulong? ReadWaitedChildrenTicks(int pid) => ReadStatFields(pid) is { } f ? f.CutimeTicks + f.CstimeTicks : null;

    /// <summary>The parent pid of a process; null when it no longer exists.</summary>
    public int? ReadParent(int pid) => ReadStatFields(pid)?.ParentPid;

    /// <summary>VmRSS in bytes; null when the process is gone or the field is missing (kernel threads).</summary>
    public long? ReadRssBytes(int pid) => ReadStatusKb(pid, "VmRSS:") * 1024;

    /// <summary>VmHWM (peak resident set since start or since the last reset) in bytes; null when unknown.</summary>
    public long? ReadHighWaterMarkBytes(int pid) => ReadStatusKb(pid, "VmHWM:") * 1024;

    /// <summary>
    /// Resets the process's VmHWM to its current resident set by writing 5 to clear_refs (Linux 4.0+). False when
    /// the kernel or the permissions do not allow it; the caller then takes the peak from samples.
    /// </summary>
    public bool TryResetHighWaterMark(int pid)
    {
        var path = Path.Combine(Root, Pid(pid), "clear_refs");
        try
        {
            if (!File.Exists(path)) return false;
            File.WriteAllText(path, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Every process id in the folder (numeric sub-folders).</summary>
    public IReadOnlyList<int> ListPids()
    {
        if (!Directory.Exists(Root)) return [];
        var pids = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories(Root))
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) pids.Add(pid);
        pids.Sort();
        return pids;
    }

    /// <summary>The fields of PID/stat that host energy uses.</summary>
    public readonly record struct StatFields(int ParentPid, ulong UtimeTicks, ulong StimeTicks, ulong CutimeTicks = 0, ulong CstimeTicks = 0);

    /// <summary>
    /// Parses /proc/PID/stat. The command name (field 2) is in parentheses and may itself hold spaces and
    /// parentheses, so fields are counted from the last ')': state is field 3, ppid 4, utime 14, stime 15, cutime 16,
    /// cstime 17.
    /// </summary>
    public static StatFields ParseStat(string text, string path)
    {
        var close = text.LastIndexOf(')');
        if (close < 0) throw new FormatException($"{path}: no ')' after the command name; not a /proc/PID/stat file.");
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 15) throw new FormatException($"{path}: {fields.Length + 2} fields, expected at least 17.");
        static ulong U(string s, string path) => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException($"{path}: '{s}' is not a tick count.");
        var parent = int.Parse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return new StatFields(parent, U(fields[11], path), U(fields[12], path), U(fields[13], path), U(fields[14], path));
    }

    private StatFields? ReadStatFields(int pid)
    {
        var path = Path.Combine(Root, Pid(pid), "stat");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process exited between the listing and the read
        }
        return ParseStat(text, path);
    }

    private long? ReadStatusKb(int pid, string key)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(Root, Pid(pid), "status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : null;
        }
        return null;
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);
}
