namespace Lem.Engine.Results.Schema;

/// <summary>
/// A program measured by <c>lem measure</c>: what ran, how it ended, and what it reported. The window runs from just
/// before it started to just after it exited (<c>window.edges</c> = <c>command-start-to-exit</c>).
/// </summary>
/// <param name="Argv">The program and its arguments, as given (passed as a list, never through a shell).</param>
/// <param name="Program">The program's file as found on PATH.</param>
/// <param name="WorkingFolder">The folder it ran in.</param>
/// <param name="Pid">Its process id.</param>
/// <param name="ExitCode">Its exit status (128 + N when signal N ended it), which is also lem's.</param>
/// <param name="Interrupted">True when lem was interrupted (Ctrl-C, SIGTERM) and passed it on.</param>
/// <param name="ReportLines">Lines of the token protocol it printed (docs/cli.md, "lem measure").</param>
/// <param name="StdoutFile">Its standard output, kept in the run folder.</param>
/// <param name="StderrFile">Its standard error, kept in the run folder.</param>
public sealed record CommandRecord(
    IReadOnlyList<string> Argv,
    string Program,
    string WorkingFolder,
    int? Pid,
    int? ExitCode,
    bool Interrupted,
    int ReportLines,
    string StdoutFile,
    string StderrFile);
