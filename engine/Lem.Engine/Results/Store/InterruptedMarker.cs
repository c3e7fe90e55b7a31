namespace Lem.Engine.Results.Store;

/// <summary>Content of a run's <c>INTERRUPTED</c> file: the run will never complete (no DONE may follow), and why.</summary>
public sealed record InterruptedMarker(string RunId, string Reason, DateTimeOffset MarkedUtc);
