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

    public void MemTotalKb(ulong kb) => File.WriteAllText(Path.Combine(Root, "meminfo"), $"MemTotal:       {kb} kB\nMemFree:        1000 kB\n");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
