namespace Lem.Engine.Running;

/// <summary>
/// The campaign stopped because lem was asked to (Ctrl-C, SIGTERM): the run in progress is marked interrupted and
/// rerunning the same command resumes. The message is the line lem prints.
/// </summary>
public sealed class RunInterruptedException(int done, int planned, Exception? inner = null)
    : Exception($"interrupted: {done} of {planned} runs done; rerun the same command to resume", inner)
{
    /// <summary>Planned runs that are done (now or before), of <see cref="Planned"/>.</summary>
    public int Done { get; } = done;
    public int Planned { get; } = planned;
}
