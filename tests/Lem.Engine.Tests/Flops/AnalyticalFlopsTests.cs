using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;

namespace Lem.Engine.Tests.Flops;

/// <summary>
/// Hand-computed figures for tiny configs. Tiny Llama: d 8, 2 layers, 2 heads of 4, 1 KV head, MLP 16, vocab 10.
/// Per token per layer: q 2·8·8 + k 2·8·4 + v 2·8·4 + o 2·8·8 = 384, MLP 3·2·8·16 = 768 → 1152. LM head: 2·8·10 = 160.
/// QKᵀ + AV per layer per sequence: 2 · (2 · 2 heads · pairs · 4) = 32 · pairs.
/// </summary>
public class AnalyticalFlopsTests
{
    private static readonly ArchitectureConfig Tiny = ArchitectureConfig.Parse(KnownConfigs.TinyLlama);

    [Fact]
    public void Per_token_pieces_by_hand()
    {
        Assert.Equal(1152, AnalyticalFlops.LinearFlopsPerTokenPerLayer(Tiny));
        Assert.Equal(160, AnalyticalFlops.LmHeadFlopsPerPosition(Tiny));
        Assert.Equal(32 * 9, AnalyticalFlops.AttentionFlopsPerLayer(Tiny, 3, 3, AttentionCounting.Executed));
        Assert.Equal(32 * 6, AnalyticalFlops.AttentionFlopsPerLayer(Tiny, 3, 3, AttentionCounting.Causal));
        // One query sees every key either way.
        Assert.Equal(32 * 5, AnalyticalFlops.AttentionFlopsPerLayer(Tiny, 1, 5, AttentionCounting.Causal));
    }

    [Fact]
    public void Batch_of_two_three_prompt_three_new_by_hand()
    {
        // Prefill per row: 2 layers · (3 · 1152 + 32 · 9) + 1 · 160 = 7648; 2 rows → 15296.
        // Decode steps t = 1, 2 (kv 4, 5): 2 · (1152 + 32 · kv) + 160 = 2720, 2784; 2 rows → 11008.
        var flops = AnalyticalFlops.ForBatch(Tiny, rows: 2, promptLength: 3, newTokens: 3);
        Assert.Equal(15296, flops.PrefillFlops);
        Assert.Equal(11008, flops.DecodeFlops);
        Assert.Equal(26304, flops.TotalFlops);
    }

    [Fact]
    public void Causal_counting_changes_prefill_only()
    {
        // Prefill per row: 2 · (3456 + 32 · 6) + 160 = 7456.
        var flops = AnalyticalFlops.ForBatch(Tiny, 2, 3, 3, AnalyticalConventions.Causal);
        Assert.Equal(14912, flops.PrefillFlops);
        Assert.Equal(11008, flops.DecodeFlops);
    }

    [Fact]
    public void All_position_logits_add_the_head_for_every_prompt_position()
    {
        var flops = AnalyticalFlops.ForBatch(Tiny, 1, 3, 1, new AnalyticalConventions(PrefillLogits: LogitsPositions.AllPositions));
        Assert.Equal(7488 + 3 * 160, flops.PrefillFlops);
        Assert.Equal(0, flops.DecodeFlops);
    }

    [Fact]
    public void Gpt2_two_matmul_mlp_by_hand()
    {
        // d 8, 1 layer, 2 heads of 4, MLP 32, vocab 10: per token 4·2·8·8 + 2·2·8·32 = 1536; attention 32 · pairs.
        // Prefill P = 2: 2 · 1536 + 32 · 4 + 160 = 3360. Decode t = 1 (kv 3): 1536 + 96 + 160 = 1792.
        var flops = AnalyticalFlops.ForBatch(ArchitectureConfig.Parse(KnownConfigs.TinyGpt2), 1, 2, 2);
        Assert.Equal(3360, flops.PrefillFlops);
        Assert.Equal(1792, flops.DecodeFlops);
    }

    [Fact]
    public void Qwen3_projections_use_heads_times_head_dim()
    {
        // d 8, q width 12, kv width 6: 2·8·12 + 2·(2·8·6) + 2·12·8 = 576; MLP 3·2·8·4 = 192.
        Assert.Equal(768, AnalyticalFlops.LinearFlopsPerTokenPerLayer(ArchitectureConfig.Parse(KnownConfigs.TinyQwen3)));
    }

    [Fact]
    public void Per_step_rows_are_honoured()
    {
        // Step 1 computes both rows, step 2 only one (the other stopped and was dropped).
        var shape = new BatchShape(2, 3, [2, 1], OutputTokens: 5);
        Assert.Equal(15296 + 2 * 2720 + 2784, AnalyticalFlops.ForBatch(Tiny, shape).TotalFlops);
    }

    [Fact]
    public void A_list_of_shapes_is_summed_not_averaged()
    {
        var shapes = new[] { BatchShape.Uniform(1, 2, 2), BatchShape.Uniform(1, 10, 2) };
        var summed = AnalyticalFlops.ForBatches(Tiny, shapes);
        Assert.Equal(AnalyticalFlops.ForBatch(Tiny, 1, 2, 2).TotalFlops + AnalyticalFlops.ForBatch(Tiny, 1, 10, 2).TotalFlops, summed.TotalFlops);
        // Attention is quadratic in the prompt: two rows of the mean length (6) would count less.
        Assert.True(summed.TotalFlops > AnalyticalFlops.ForBatch(Tiny, 2, 6, 2).TotalFlops);
    }

    [Fact]
    public void Llama31_8B_decode_is_close_to_twice_the_parameters_plus_attention()
    {
        // Sanity against the rule of thumb: one decode token ≈ 2 × non-embedding matmul weights + LM head + attention.
        var c = ArchitectureConfig.Parse(KnownConfigs.Llama31_8B);
        var step = AnalyticalFlops.DecodeStepFlops(c, 1, 1000);
        var matmulWeights = 32 * (4096.0 * 4096 * 2 + 4096.0 * 1024 * 2 + 3 * 4096.0 * 14336) + 4096.0 * 128256;
        var attention = 32 * 2 * (2.0 * 32 * 1000 * 128);
        Assert.Equal(2 * matmulWeights + attention, step);
    }

    [Fact]
    public void Zero_new_tokens_is_refused()
    {
        var e = Assert.Throws<FlopsInputException>(() => AnalyticalFlops.ForBatch(Tiny, 1, 3, 0));
        Assert.Contains("new tokens is 0", e.Message);
    }
}
