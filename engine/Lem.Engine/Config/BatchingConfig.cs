namespace Lem.Engine.Config;

/// <summary>The <c>batching.*</c> section.</summary>
public sealed record BatchingConfig(BatchingStrategy Strategy, int BatchSize, int MaxTokensPerBatch)
{
    public bool IsDynamic => Strategy is BatchingStrategy.Dynamic or BatchingStrategy.SortedDynamic;
    public bool IsSorted => Strategy is BatchingStrategy.SortedStatic or BatchingStrategy.SortedDynamic;
}
