using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// A run as one record, derived in memory from its raw records (late aggregation): energies and tokens summed
/// across workers, window = union of worker windows, rates and metrics recomputed from the sums.
/// It may be cached as <c>aggregated.json</c>; the raw records remain the truth.
/// </summary>
public sealed record AggregatedRecord : RunFigures
{
    [JsonPropertyOrder(-1)]
    public int SchemaVersion { get; init; } = RawRecord.CurrentSchemaVersion;
    [JsonPropertyOrder(-1)]
    public required string ToolVersion { get; init; }
    [JsonPropertyOrder(-1)]
    public required string RunId { get; init; }
    [JsonPropertyOrder(-1)]
    public required string Experiment { get; init; }
    [JsonPropertyOrder(-1)]
    public int Cycle { get; init; }

    /// <summary>Workers the run was started with (from the raw records).</summary>
    [JsonPropertyOrder(-1)]
    public int WorkerCount { get; init; }

    /// <summary>Raw records that were found and aggregated.</summary>
    [JsonPropertyOrder(-1)]
    public int WorkersFound { get; init; }

    [JsonPropertyOrder(-1)]
    public RunStatus Status { get; init; }
    [JsonPropertyOrder(-1)]
    public required DateTimeOffset StartedUtc { get; init; }
    [JsonPropertyOrder(-1)]
    public required DateTimeOffset EndedUtc { get; init; }

    /// <summary>What aggregation could not do exactly (missing workers, percentiles without per-request records...).</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<string> AggregationNotes { get; init; } = [];

    /// <summary>Identifies the raw files this record was derived from, so that a cached copy is rebuilt when they change.</summary>
    [JsonPropertyOrder(1)]
    public string SourceFingerprint { get; init; } = "";
}
