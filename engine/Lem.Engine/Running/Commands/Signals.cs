using System.Runtime.InteropServices;

namespace Lem.Engine.Running.Commands;

/// <summary>
/// The few POSIX calls a measured command needs beyond System.Diagnostics.Process: sending it a signal, and telling
/// whether a Ctrl-C at the terminal reached it already (the terminal sends SIGINT to its whole foreground process
/// group, which holds the command when it holds lem: the command inherits lem's group). A backend that starts
/// processes of its own (a launched inference server) sends its signals through here too.
/// </summary>
public static partial class Signals
{
    public const int SigInt = 2;
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetpgrp")]
    private static partial int TcGetPgrp(int fd);

    [LibraryImport("libc", EntryPoint = "getpgrp")]
    private static partial int GetPgrp();

    private static bool Posix => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>Sends <paramref name="signal"/> to one process; false where it is gone.</summary>
    public static bool Send(int pid, int signal) => Posix && Kill(pid, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="leaderPid"/>; false where none is left.</summary>
    public static bool SendToGroup(int leaderPid, int signal) => Posix && Kill(-leaderPid, signal) == 0;

    /// <summary>True when lem's process group is the foreground group of its terminal (standard input, error or output).</summary>
    public static bool InTerminalForeground()
    {
        if (!Posix) return false;
        var group = GetPgrp();
        foreach (var fd in new[] { 0, 2, 1 })
            if (IsATty(fd) == 1) return TcGetPgrp(fd) == group;
        return false;
    }
}
