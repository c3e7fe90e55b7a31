namespace Lem.Engine.Flops.ParameterBased;

/// <summary>
/// The rule of thumb FLOPs ≈ 2 × parameters × tokens processed (one multiply-add per weight per token). Tokens processed:
/// prompt positions in prefill (padding included) plus one per computed row per decode step. Pass non-embedding
/// parameters where they are known (lookups cost no FLOPs); the rule leaves out attention scores, which grow with
/// context, and — with non-embedding parameters — the LM head.
/// </summary>
public static class ParameterBasedFlops
{
    public static FlopCount ForBatch(long parameters, BatchShape batch) =>
        new(2.0 * parameters * batch.PrefillTokens, 2.0 * parameters * batch.DecodeTokens);

    public static FlopCount ForBatch(long parameters, int rows, int promptLength, int newTokens) =>
        ForBatch(parameters, BatchShape.Uniform(rows, promptLength, newTokens));

    public static FlopCount ForBatches(long parameters, IEnumerable<BatchShape> batches) =>
        batches.Aggregate(FlopCount.Zero, (sum, b) => sum + ForBatch(parameters, b));
}
