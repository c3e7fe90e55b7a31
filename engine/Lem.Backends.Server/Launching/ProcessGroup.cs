using System.Runtime.InteropServices;

namespace Lem.Backends.Server.Launching;

/// <summary>
/// Signals to a server's whole process group. A server is started through <c>setsid</c>, which makes it the leader of a
/// new session and process group and then execs it in place (same PID), so kill(-PID) reaches it and every worker it
/// forks (vLLM's engine core, tensor-parallel workers) but never lem. System.Diagnostics.Process cannot set a child's
/// process group itself; calling setsid(1) keeps its stream redirection and exit tracking, and needs only kill(2)
/// and getpgid(2) from libc.
/// </summary>
internal static partial class ProcessGroup
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static partial int GetPgid(int pid);

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="leaderPid"/>; false where none is left.</summary>
    public static bool Signal(int leaderPid, int signal) => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? Kill(-leaderPid, signal) == 0
        : false;

    /// <summary>Sends <paramref name="signal"/> to one process.</summary>
    public static bool SignalProcess(int pid, int signal) => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Kill(pid, signal) == 0;

    /// <summary>Whether the process leads its own process group (true after setsid).</summary>
    public static bool LeadsGroup(int pid) => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && GetPgid(pid) == pid;

    /// <summary>Whether any process of the group is still alive (kill with signal 0 checks without signalling).</summary>
    public static bool Alive(int leaderPid) => Signal(leaderPid, 0);

    /// <summary>setsid(1) on PATH, or null.</summary>
    public static string? FindSetsid() => ExecutableSearch.Find("setsid", Environment.GetEnvironmentVariable("PATH"));
}
