namespace Lem.Engine.Flops.Analytical;

/// <summary>
/// FLOPs of a decoder-only forward pass from its architecture, counting matrix multiplications only (2·m·n·k each):
/// the q/k/v/o projections, QKᵀ and AV, the MLP projections and the LM head. Not counted: embedding and position lookups,
/// norms, rotary, activations, softmax, residual adds and bias adds (element-wise work, a few percent at most).
/// A traced count of executed matmuls follows the same convention. Formulas: docs/flops.md.
/// </summary>
public static class AnalyticalFlops
{
    /// <summary>Projection and MLP FLOPs per token per layer (everything in a layer except QKᵀ and AV).</summary>
    public static double LinearFlopsPerTokenPerLayer(ArchitectureConfig c)
    {
        double d = c.HiddenSize, q = c.QueryWidth, kv = c.KvWidth, i = c.IntermediateSize;
        var attention = 2 * d * q + 2 * (2 * d * kv) + 2 * q * d;
        var mlp = (c.GatedMlp ? 3 : 2) * 2 * d * i;
        return attention + mlp;
    }

    /// <summary>LM-head FLOPs per position whose logits are computed: 2 × hidden × vocab.</summary>
    public static double LmHeadFlopsPerPosition(ArchitectureConfig c) => 2.0 * c.HiddenSize * c.VocabSize;

    /// <summary>
    /// QKᵀ plus AV FLOPs of one layer for one sequence: 2 × (2 · heads · query-key pairs · head_dim).
    /// Executed: queryLength × kvLength pairs. Causal: each query i of the last queryLength positions sees
    /// kvLength − queryLength + i keys.
    /// </summary>
    public static double AttentionFlopsPerLayer(ArchitectureConfig c, long queryLength, long kvLength, AttentionCounting counting)
    {
        double pairs = counting == AttentionCounting.Executed
            ? (double)queryLength * kvLength
            : (double)queryLength * (kvLength - queryLength) + queryLength * (queryLength + 1) / 2.0;
        return 2 * (2.0 * c.NumHeads * pairs * c.HeadDim);
    }

    /// <summary>Prefill of <paramref name="rows"/> sequences of <paramref name="promptLength"/> tokens (padding included).</summary>
    public static double PrefillFlops(ArchitectureConfig c, int rows, int promptLength, AnalyticalConventions? conventions = null)
    {
        var conv = conventions ?? AnalyticalConventions.Default;
        var perSequence =
            c.NumLayers * (promptLength * LinearFlopsPerTokenPerLayer(c) + AttentionFlopsPerLayer(c, promptLength, promptLength, conv.Attention))
            + (conv.PrefillLogits == LogitsPositions.LastPosition ? 1 : promptLength) * LmHeadFlopsPerPosition(c);
        return rows * perSequence;
    }

    /// <summary>One decode step: <paramref name="rows"/> sequences each feed one token and attend over <paramref name="kvLength"/> positions.</summary>
    public static double DecodeStepFlops(ArchitectureConfig c, int rows, long kvLength) =>
        rows * (c.NumLayers * (LinearFlopsPerTokenPerLayer(c) + AttentionFlopsPerLayer(c, 1, kvLength, AttentionCounting.Executed))
                + LmHeadFlopsPerPosition(c));

    /// <summary>
    /// One generate call of <paramref name="rows"/> rows, each with a <paramref name="promptLength"/>-token prompt
    /// (padded length) and exactly <paramref name="newTokens"/> new tokens: one prefill and newTokens − 1 decode steps.
    /// The reference the backend's traced count is tested against.
    /// </summary>
    public static FlopCount ForBatch(ArchitectureConfig config, int rows, int promptLength, int newTokens, AnalyticalConventions? conventions = null) =>
        ForBatch(config, BatchShape.Uniform(rows, promptLength, newTokens), conventions);

    public static FlopCount ForBatch(ArchitectureConfig config, BatchShape batch, AnalyticalConventions? conventions = null)
    {
        var prefill = PrefillFlops(config, batch.Rows, batch.PaddedPromptLength, conventions);
        double decode = 0;
        for (var t = 1; t <= batch.DecodeSteps; t++)
            decode += DecodeStepFlops(config, batch.DecodeRowsPerStep[t - 1], (long)batch.PaddedPromptLength + t);
        return new FlopCount(prefill, decode);
    }

    /// <summary>The sum over the batches actually run (each with its own padded length and per-step rows).</summary>
    public static FlopCount ForBatches(ArchitectureConfig config, IEnumerable<BatchShape> batches, AnalyticalConventions? conventions = null) =>
        batches.Aggregate(FlopCount.Zero, (sum, b) => sum + ForBatch(config, b, conventions));
}
