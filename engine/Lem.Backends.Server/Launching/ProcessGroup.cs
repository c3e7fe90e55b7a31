using System.Runtime.InteropServices;
using Lem.Engine.Running.Commands;

namespace Lem.Backends.Server.Launching;

/// <summary>
/// Signals to a server's whole process group. A server is started through <c>setsid</c>, which makes it the leader of a
/// new session and process group and then execs it in place (same PID), so kill(-PID) reaches it and every worker it
/// forks (vLLM's engine core, tensor-parallel workers) but never lem. System.Diagnostics.Process cannot set a child's
/// process group itself; calling setsid(1) keeps its stream redirection and exit tracking. The signals go through the
/// engine's <see cref="Signals"/> (kill(2)); only getpgid(2) is bound here.
/// </summary>
internal static partial class ProcessGroup
{
    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static partial int GetPgid(int pid);

    /// <summary>Whether the process leads its own process group (true after setsid).</summary>
    public static bool LeadsGroup(int pid) => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && GetPgid(pid) == pid;

    /// <summary>Whether any process of the group is still alive (kill with signal 0 checks without signalling).</summary>
    public static bool Alive(int leaderPid) => Signals.SendToGroup(leaderPid, 0);

    /// <summary>setsid(1) on PATH, or null.</summary>
    public static string? FindSetsid() => ExecutableSearch.Find("setsid", Environment.GetEnvironmentVariable("PATH"));
}
