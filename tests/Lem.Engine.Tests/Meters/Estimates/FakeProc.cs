namespace Lem.Engine.Tests.Meters.Estimates;

/// <summary>A proc folder in a temp folder with cpuinfo, stat and meminfo.</summary>
public sealed class FakeProc : IDisposable
{
    public FakeProc() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "lem-proc-" + Guid.NewGuid().ToString("N"));

    public void CpuInfo(string model, int sockets, int threadsPerSocket)
    {
        var lines = new List<string>();
        var n = 0;
        for (var s = 0; s < sockets; s++)
            for (var t = 0; t < threadsPerSocket; t++)
                lines.AddRange([$"processor\t: {n++}", $"model name\t: {model}", $"physical id\t: {s}", ""]);
        File.WriteAllText(Path.Combine(Root, "cpuinfo"), string.Join("\n", lines));
    }

    /// <summary>Writes /proc/stat with the given busy (user) and idle ticks.</summary>
    public void Stat(ulong busy, ulong idle) =>
        File.WriteAllText(Path.Combine(Root, "stat"), $"cpu  {busy} 0 0 {idle} 0 0 0 0 0 0\ncpu0 {busy} 0 0 {idle} 0 0 0 0 0 0\nintr 0\n");

    /// <summary>Writes /proc/stat with busy and idle ticks and <paramref name="cpus"/> per-CPU lines.</summary>
    public void Stat(ulong busy, ulong idle, int cpus)
    {
        var lines = new List<string> { $"cpu  {busy} 0 0 {idle} 0 0 0 0 0 0" };
        for (var i = 0; i < cpus; i++) lines.Add($"cpu{i} 0 0 0 0 0 0 0 0 0 0");
        lines.Add("intr 0");
        File.WriteAllText(Path.Combine(Root, "stat"), string.Join("\n", lines) + "\n");
    }

    /// <summary>Writes PID/stat (with a command name holding spaces and parentheses, as real ones may) and PID/status.</summary>
    /// <param name="waitedChildrenTicks">cutime (cstime stays 0): CPU time of exited children the process waited for.</param>
    public void Process(int pid, ulong utime, ulong stime, long rssKb, int parent = 1, long? hwmKb = null, bool clearRefs = true, ulong waitedChildrenTicks = 0)
    {
        var folder = Path.Combine(Root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "stat"),
            $"{pid} (lem (worker) x) R {parent} {pid} {pid} 0 -1 4194560 100 0 0 0 {utime} {stime} {waitedChildrenTicks} 0 20 0 8 0 100 1000000 {rssKb / 4} 18446744073709551615\n");
        File.WriteAllText(Path.Combine(folder, "status"), $"Name:\tlem\nVmHWM:\t{hwmKb ?? rssKb} kB\nVmRSS:\t{rssKb} kB\n");
        if (clearRefs && !File.Exists(Path.Combine(folder, "clear_refs"))) File.WriteAllText(Path.Combine(folder, "clear_refs"), "");
    }

    /// <summary>What was last written to PID/clear_refs ("5" after a high-water-mark reset).</summary>
    public string ClearRefs(int pid) => File.ReadAllText(Path.Combine(Root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "clear_refs"));

    public void Exit(int pid) => Directory.Delete(Path.Combine(Root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)), recursive: true);

    public void MemTotalKb(ulong kb) => File.WriteAllText(Path.Combine(Root, "meminfo"), $"MemTotal:       {kb} kB\nMemFree:        1000 kB\n");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
