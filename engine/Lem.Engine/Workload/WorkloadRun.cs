using Lem.Engine.Flops;
using Lem.Engine.Workload.Batching;

namespace Lem.Engine.Workload;

/// <summary>
/// What a measured workload did: one record per request (in prompt order), one per batch in the batch shape (none in
/// the request shape), the run's duration (window start to the end of the last request) and warnings to keep with the result.
/// Token figures count succeeded requests only.
/// </summary>
public sealed record WorkloadRun(
    IReadOnlyList<RequestRecord> Requests,
    IReadOnlyList<BatchRecord> Batches,
    double DurationS,
    long WindowStartTicks,
    IReadOnlyList<string> Warnings)
{
    public long PromptTokens => Requests.Where(r => r.Succeeded).Sum(r => (long)r.PromptTokens);
    /// <summary>Prompt tokens with padding (batch shape: rows × longest prompt per batch); the prompt tokens where lem forms no batches.</summary>
    public long PaddedPromptTokens => Batches.Count > 0 ? Batches.Sum(b => b.PaddedPromptTokens) : PromptTokens;
    public long OutputTokens => Requests.Where(r => r.Succeeded).Sum(r => (long)r.OutputTokens);
    public long TotalTokens => PromptTokens + OutputTokens;
    public int FailedRequests => Requests.Count(r => !r.Succeeded);

    /// <summary>Padding share of the padded prompt tokens; null where lem forms no batches (request shape).</summary>
    public double? PaddingRatio => Batches.Count == 0 ? null : BatchFigures.PaddingRatio(PromptTokens, PaddedPromptTokens);

    /// <summary>Mean rows per batch; null where lem forms no batches (request shape).</summary>
    public double? EffectiveBatchSize => Batches.Count == 0 ? null : (double)Batches.Sum(b => b.Rows) / Batches.Count;

    /// <summary>Sum of the backend's traced FLOPs; null unless every batch reported them.</summary>
    public FlopCount? TracedFlops =>
        Batches.Count > 0 && Batches.All(b => b.TracedFlops is not null)
            ? Batches.Aggregate(FlopCount.Zero, (sum, b) => sum + b.TracedFlops!)
            : null;
}
