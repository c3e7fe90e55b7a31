namespace Lem.Engine.Flops.Analytical;

/// <summary>
/// Parameter counts derived from config.json alone (no weights). A tied LM head shares the token-embedding matrix and is
/// counted once. Norm weights and biases are included in <see cref="Total"/> and <see cref="NonEmbedding"/>.
/// </summary>
/// <param name="TokenEmbedding">vocab_size × hidden_size (the input token-embedding table).</param>
/// <param name="PositionEmbedding">Learned position table (GPT-2: n_positions × n_embd); 0 for rotary families.</param>
/// <param name="UntiedLmHead">A separate LM-head matrix, vocab_size × hidden_size; 0 when tied.</param>
public sealed record ParameterCounts(long Total, long TokenEmbedding, long PositionEmbedding, long UntiedLmHead)
{
    /// <summary>
    /// Total minus every vocabulary or position table: token embedding, learned positions and an untied LM head
    /// (the definition Qwen's model cards use: Qwen2.5-0.5B "0.49B (0.36B non-embedding)").
    /// </summary>
    public long NonEmbedding => Total - TokenEmbedding - PositionEmbedding - UntiedLmHead;

    public static ParameterCounts FromConfig(ArchitectureConfig c)
    {
        long d = c.HiddenSize, q = c.QueryWidth, kv = c.KvWidth, i = c.IntermediateSize;
        long perLayer = c.Family == ModelFamily.Gpt2
            ? 2 * (2 * d)                                 // ln_1, ln_2: weight and bias
              + d * (q + 2 * kv) + (q + 2 * kv)           // c_attn
              + q * d + d                                 // attn.c_proj
              + d * i + i                                 // c_fc
              + i * d + d                                 // mlp.c_proj
            : 2 * d                                       // input_layernorm, post_attention_layernorm (RMSNorm weight)
              + d * q + d * kv + d * kv + q * d           // q, k, v, o projections
              + (c.QkvBias ? q + 2 * kv : 0)
              + (c.OutputBias ? d : 0)
              + (c.QkNorm ? 2L * c.HeadDim : 0)           // q_norm, k_norm
              + 3 * d * i                                 // gate, up, down
              + (c.MlpBias ? 2 * i + d : 0);
        long finalNorm = c.Family == ModelFamily.Gpt2 ? 2 * d : d;
        long tokenEmbedding = (long)c.VocabSize * d;
        long positionEmbedding = (long)c.LearnedPositions * d;
        long untiedHead = c.TieWordEmbeddings ? 0 : (long)c.VocabSize * d;
        long total = tokenEmbedding + positionEmbedding + c.NumLayers * perLayer + finalNorm + untiedHead;
        return new ParameterCounts(total, tokenEmbedding, positionEmbedding, untiedHead);
    }
}
