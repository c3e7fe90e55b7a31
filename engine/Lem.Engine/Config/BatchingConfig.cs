namespace Lem.Engine.Config;

/// <summary>
/// The <c>batching.*</c> section. <paramref name="BatchSize"/>: prompts per batch (static), or the most per batch
/// (dynamic). <paramref name="MaxTokensPerBatch"/>: dynamic strategies only — a batch's padded prompt tokens
/// (rows × longest prompt in the batch) never exceed it. Generated tokens are not part of this budget.
/// </summary>
public sealed record BatchingConfig(BatchingStrategy Strategy, int BatchSize, int MaxTokensPerBatch = 8192)
{
    public bool IsDynamic => Strategy is BatchingStrategy.Dynamic or BatchingStrategy.SortedDynamic;
    public bool IsSorted => Strategy is BatchingStrategy.SortedStatic or BatchingStrategy.SortedDynamic;
}
