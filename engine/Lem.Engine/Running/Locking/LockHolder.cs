using System.Globalization;

namespace Lem.Engine.Running.Locking;

/// <summary>Who holds a lock: the process id, its host, since when, and the command it runs.</summary>
public sealed record LockHolder(int Pid, string Host, DateTimeOffset SinceUtc, string Command)
{
    /// <summary>This process, now, running <paramref name="command"/> (default: this process's command line).</summary>
    public static LockHolder Current(string? command = null) =>
        new(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow, command ?? string.Join(' ', Environment.GetCommandLineArgs()));

    /// <summary><c>pid 4242 on node17 since 2026-01-31 12:00:00 UTC (lem run paper.lem)</c></summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"pid {Pid} on {Host} since {SinceUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({Command})");
}
