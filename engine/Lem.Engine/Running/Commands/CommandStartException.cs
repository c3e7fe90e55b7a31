namespace Lem.Engine.Running.Commands;

/// <summary>A measured command could not be started: the message says why and what to do; <see cref="ExitCode"/> is
/// what a shell would exit with (127 not found, 126 not executable).</summary>
public sealed class CommandStartException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
