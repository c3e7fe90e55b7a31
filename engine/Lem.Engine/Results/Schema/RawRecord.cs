namespace Lem.Engine.Results.Schema;

/// <summary>
/// What one process measured in one run: the truth that every summary is derived from. Written once, atomically,
/// as <c>raw-worker{WorkerIndex}.json</c> in the run's folder; never changed afterwards.
/// </summary>
public sealed record RawRecord : RunFigures
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string ToolVersion { get; init; }
    public required string RunId { get; init; }
    public required string Experiment { get; init; }
    public int Cycle { get; init; }

    /// <summary>Index of this worker among the data-parallel workers of the run (0 when there is one).</summary>
    public int WorkerIndex { get; init; }
    public int WorkerCount { get; init; } = 1;

    public required DateTimeOffset StartedUtc { get; init; }
    public required DateTimeOffset EndedUtc { get; init; }

    /// <summary>Per-request figures, when recorded; they let latency percentiles be pooled across workers.</summary>
    public IReadOnlyList<RequestRecord>? Requests { get; init; }
}
