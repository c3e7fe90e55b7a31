namespace Lem.Engine.Results.Schema;

/// <summary>A canonical metric: its name (with the unit in it), the unit spelled out, and what it means.</summary>
/// <param name="Recorded">False: derived from the record's sections whenever it is read (a meter may not set it).
/// True: the runner gives it in the record's metrics, for it cannot be derived from the sections (phase times and
/// energies, batch figures, per-request energy); across data-parallel workers it is summed, except where
/// <see cref="RecordedAggregation"/> says otherwise.</param>
public sealed record MetricDefinition(string Name, string Unit, string Description, bool Recorded = false,
    RecordedAggregation Aggregation = RecordedAggregation.Sum);

/// <summary>How a recorded canonical metric of several workers becomes the run's.</summary>
public enum RecordedAggregation
{
    /// <summary>The workers' values summed (times and energies of phases).</summary>
    Sum,
    /// <summary>Recomputed from the workers' sums (padding_ratio from tokens, effective_batch_size from requests and batches).</summary>
    Recomputed,
    /// <summary>Only a single worker's value stands; with several the metric is absent (docs/results.md says so).</summary>
    SingleWorker,
}
