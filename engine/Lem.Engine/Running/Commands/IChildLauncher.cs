namespace Lem.Engine.Running.Commands;

/// <summary>Starts the program of a measured command (the system's processes; tests script one).</summary>
public interface IChildLauncher
{
    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> as a list (no shell) in
    /// <paramref name="workingFolder"/>, its standard input lem's; its standard output and error go to the sinks in
    /// chunks as they come, from one thread each.
    /// </summary>
    IRunningChild Start(string program, IReadOnlyList<string> arguments, string workingFolder,
        Action<ReadOnlyMemory<byte>> stdout, Action<ReadOnlyMemory<byte>> stderr);
}

/// <summary>A started program.</summary>
public interface IRunningChild : IDisposable
{
    int Pid { get; }

    /// <summary>Blocks until it has exited and both its outputs are drained; its exit status (128 + N when signal N ended it).</summary>
    int WaitForExit();

    /// <summary>Passes an interrupt on to it: SIGINT (unless the terminal already sent it to the program, as Ctrl-C does) or SIGTERM.</summary>
    void Interrupt(CommandInterrupt interrupt);
}

/// <summary>What lem was asked to stop with.</summary>
public enum CommandInterrupt
{
    /// <summary>SIGINT: Ctrl-C.</summary>
    Interrupt,

    /// <summary>SIGTERM.</summary>
    Terminate,
}
