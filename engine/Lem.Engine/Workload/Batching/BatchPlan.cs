using Lem.Engine.Config;
namespace Lem.Engine.Workload.Batching;

/// <summary>
/// The batches of a workload. <see cref="PaddingRatio"/> = (padded − real) / padded prompt tokens;
/// <see cref="EffectiveBatchSize"/> = mean rows per batch.
/// </summary>
public sealed record BatchPlan(BatchingConfig Options, IReadOnlyList<PromptBatch> Batches)
{
    public long RealTokens => Batches.Sum(b => b.RealTokens);
    public long PaddedTokens => Batches.Sum(b => b.PaddedTokens);
    public double PaddingRatio => BatchFigures.PaddingRatio(RealTokens, PaddedTokens);
    public double EffectiveBatchSize => Batches.Count == 0 ? 0 : (double)Batches.Sum(b => b.Rows) / Batches.Count;
}
