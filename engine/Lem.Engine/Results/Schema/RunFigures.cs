using System.Text.Json.Nodes;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// What a run measured, shared by a raw per-process record (<see cref="RawRecord"/>) and the record aggregated
/// from all of a run's raw records (<see cref="AggregatedRecord"/>).
/// </summary>
public abstract record RunFigures
{
    /// <summary>Every resolved parameter (dotted name) with its value and provenance.</summary>
    public IReadOnlyDictionary<string, ParameterRecord> Config { get; init; } = new Dictionary<string, ParameterRecord>();

    /// <summary>Free-form facts about the machine (GPU model/UUID, driver, CUDA, kernel, .NET, meter update periods...): text or numbers.</summary>
    public JsonObject Environment { get; init; } = new();

    public ModelRecord? Model { get; init; }
    public required WindowRecord Window { get; init; }
    public required TokenCounts Tokens { get; init; }
    public ThroughputRecord? Throughput { get; init; }

    /// <summary>Keyed by <see cref="LatencyNames"/>.</summary>
    public IReadOnlyDictionary<string, LatencySummary> Latency { get; init; } = new Dictionary<string, LatencySummary>();

    /// <summary>One figure per component; components are disjoint (the total is their sum).</summary>
    public IReadOnlyList<EnergyRecord> Energy { get; init; } = [];

    public BaselineRecord? Baseline { get; init; }

    /// <summary>Host energy per process beside the whole machine's (<see cref="HostEnergyRecord"/>); null in records written before it existed.</summary>
    public HostEnergyRecord? Host { get; init; }
    public CarbonRecord? Carbon { get; init; }
    public FlopsRecord? Flops { get; init; }
    public MemoryRecord? Memory { get; init; }
    public IReadOnlyList<WarningRecord> Warnings { get; init; } = [];

    /// <summary>
    /// Identifies the workload (the prompts' texts and token counts, <see cref="Validity.WorkloadFingerprint"/>): runs
    /// meant to measure the same workload must carry the same one. Null in records written before it existed.
    /// </summary>
    public string? WorkloadFingerprint { get; init; }

    /// <summary>The program a <c>lem measure</c> run measured (<see cref="CommandRecord"/>); null for experiments.</summary>
    public CommandRecord? Command { get; init; }

    /// <summary>The validity verdict (<see cref="Validity.ValidityEvaluator"/>): pass/warn/fail checks; null in older records.</summary>
    public Validity.ValidityVerdict? Validity { get; init; }

    /// <summary>
    /// Flat metric map used by exports and analysis: the canonical metrics of <see cref="MetricNames"/> (derived from
    /// the sections above) plus meter metrics (<c>gpu0_max_temperature_c</c>...). A metric that could not be
    /// measured is absent, never 0.
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
