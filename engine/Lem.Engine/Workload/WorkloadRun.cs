using Lem.Engine.Flops;
using Lem.Engine.Workload.Batching;

namespace Lem.Engine.Workload;

/// <summary>
/// What a measured workload did: one record per request (in prompt order) and per batch, the run's duration
/// (window start to the end of the last batch) and warnings to keep with the result.
/// </summary>
public sealed record WorkloadRun(
    IReadOnlyList<RequestRecord> Requests,
    IReadOnlyList<BatchRecord> Batches,
    double DurationS,
    long WindowStartTicks,
    IReadOnlyList<string> Warnings)
{
    public long PromptTokens => Batches.Sum(b => b.PromptTokens);
    public long PaddedPromptTokens => Batches.Sum(b => b.PaddedPromptTokens);
    public long OutputTokens => Batches.Sum(b => b.OutputTokens);
    public long TotalTokens => PromptTokens + OutputTokens;
    public double PaddingRatio => BatchFigures.PaddingRatio(PromptTokens, PaddedPromptTokens);
    public double EffectiveBatchSize => Batches.Count == 0 ? 0 : (double)Batches.Sum(b => b.Rows) / Batches.Count;

    /// <summary>Sum of the backend's traced FLOPs; null unless every batch reported them.</summary>
    public FlopCount? TracedFlops =>
        Batches.Count > 0 && Batches.All(b => b.TracedFlops is not null)
            ? Batches.Aggregate(FlopCount.Zero, (sum, b) => sum + b.TracedFlops!)
            : null;
}
