namespace Lem.Engine.Running.Commands;

/// <summary>What a measured command produced: its run, the program's exit status (lem's too), whether it was interrupted, and the console summary.</summary>
public sealed record CommandOutcome(string RunId, string ResultFolder, int ExitCode, bool Interrupted, string Summary);
