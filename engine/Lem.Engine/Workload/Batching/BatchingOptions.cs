namespace Lem.Engine.Workload.Batching;

/// <summary>
/// <paramref name="BatchSize"/>: prompts per batch (static), or the most per batch (dynamic).
/// <paramref name="MaxTokensPerBatch"/>: dynamic strategies only — a batch's padded prompt tokens
/// (rows × longest prompt in the batch) never exceed it. Generated tokens are not part of this budget.
/// </summary>
public sealed record BatchingOptions(BatchingStrategy Strategy, int BatchSize, int MaxTokensPerBatch = 8192)
{
    public bool IsDynamic => Strategy is BatchingStrategy.Dynamic or BatchingStrategy.SortedDynamic;
    public bool IsSorted => Strategy is BatchingStrategy.SortedStatic or BatchingStrategy.SortedDynamic;

    public static string StrategyName(BatchingStrategy strategy) => strategy switch
    {
        BatchingStrategy.Static => "static",
        BatchingStrategy.Dynamic => "dynamic",
        BatchingStrategy.SortedStatic => "sorted_static",
        BatchingStrategy.SortedDynamic => "sorted_dynamic",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    /// <summary>The strategy named by <c>batching.strategy</c> (static, dynamic, sorted_static, sorted_dynamic).</summary>
    public static BatchingStrategy ParseStrategy(string name)
    {
        foreach (var strategy in Enum.GetValues<BatchingStrategy>())
            if (StrategyName(strategy) == name) return strategy;
        throw new WorkloadException($"batching.strategy = {name}: unknown strategy. Use static, dynamic, sorted_static or sorted_dynamic.", "batching.strategy");
    }
}
