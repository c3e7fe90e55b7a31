namespace Lem.Engine.Results.Store;

/// <summary>Content of a run's <c>DONE</c> file, written last, after every raw record of the run.</summary>
public sealed record DoneMarker(string RunId, int WorkerCount, DateTimeOffset CompletedUtc, IReadOnlyList<string> Files);
