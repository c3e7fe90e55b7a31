using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// What one process measured in one run: the truth that every summary is derived from. Written once, atomically,
/// as <c>raw-worker{WorkerIndex}.json</c> in the run's folder; never changed afterwards.
/// </summary>
public sealed record RawRecord : RunFigures
{
    /// <summary>The schema version this lem writes (<see cref="SchemaVersions"/>).</summary>
    public const int CurrentSchemaVersion = SchemaVersions.Current;

    [JsonPropertyOrder(-1)]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    [JsonPropertyOrder(-1)]
    public required string ToolVersion { get; init; }
    [JsonPropertyOrder(-1)]
    public required string RunId { get; init; }
    [JsonPropertyOrder(-1)]
    public required string Experiment { get; init; }
    [JsonPropertyOrder(-1)]
    public int Cycle { get; init; }

    /// <summary>Index of this worker among the data-parallel workers of the run (0 when there is one).</summary>
    [JsonPropertyOrder(-1)]
    public int WorkerIndex { get; init; }
    [JsonPropertyOrder(-1)]
    public int WorkerCount { get; init; } = 1;

    [JsonPropertyOrder(-1)]
    public required DateTimeOffset StartedUtc { get; init; }
    [JsonPropertyOrder(-1)]
    public required DateTimeOffset EndedUtc { get; init; }

    /// <summary>Per-request figures, when recorded; they let latency percentiles be pooled across workers.</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<RequestRecord>? Requests { get; init; }
}
