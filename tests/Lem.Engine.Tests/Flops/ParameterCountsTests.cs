using Lem.Engine.Flops.Analytical;

namespace Lem.Engine.Tests.Flops;

public class ParameterCountsTests
{
    [Theory]
    [InlineData(KnownConfigs.Llama2_7B, 6_738_415_616L)]
    [InlineData(KnownConfigs.Llama31_8B, 8_030_261_248L)]
    [InlineData(KnownConfigs.Llama32_1B, 1_235_814_400L)]
    [InlineData(KnownConfigs.Mistral_7B_v01, 7_241_732_096L)]
    [InlineData(KnownConfigs.Qwen25_05B, 494_032_768L)]
    [InlineData(KnownConfigs.Qwen3_06B, 596_049_920L)]
    [InlineData(KnownConfigs.Gpt2, 124_439_808L)]
    public void Total_equals_the_published_count(string json, long published)
    {
        Assert.Equal(published, ParameterCounts.FromConfig(ArchitectureConfig.Parse(json)).Total);
    }

    [Fact]
    public void Qwen25_05B_non_embedding_matches_its_model_card()
    {
        // Model card: "0.49B (0.36B non-embedding)"; tied head, so only the token table is removed.
        var counts = ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.Qwen25_05B));
        Assert.Equal(151_936L * 896, counts.TokenEmbedding);
        Assert.Equal(0, counts.UntiedLmHead);
        Assert.Equal(357_898_112L, counts.NonEmbedding);
    }

    [Fact]
    public void Untied_head_is_counted_and_excluded_from_non_embedding()
    {
        var counts = ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.Llama31_8B));
        Assert.Equal(128_256L * 4096, counts.UntiedLmHead);
        Assert.Equal(8_030_261_248L - 2 * 128_256L * 4096, counts.NonEmbedding);
    }

    [Fact]
    public void Gpt2_non_embedding_excludes_token_and_position_tables()
    {
        var counts = ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.Gpt2));
        Assert.Equal(1024L * 768, counts.PositionEmbedding);
        Assert.Equal(124_439_808L - 50_257L * 768 - 1024L * 768, counts.NonEmbedding);
    }

    [Fact]
    public void Tiny_llama_by_hand()
    {
        // per layer: 2 norms 16 + q 64 + k 32 + v 32 + o 64 + MLP 3·8·16 = 384 → 592; ×2 = 1184;
        // + token table 80 + untied head 80 + final norm 8 = 1352.
        var counts = ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.TinyLlama));
        Assert.Equal(new ParameterCounts(1352, 80, 0, 80), counts);
        Assert.Equal(1192, counts.NonEmbedding);
    }

    [Fact]
    public void Tiny_gpt2_by_hand()
    {
        // wte 80 + wpe 128 + layer (ln 32 + c_attn 216 + c_proj 72 + c_fc 288 + proj 264 = 872) + ln_f 16 = 1096, tied.
        Assert.Equal(new ParameterCounts(1096, 80, 128, 0), ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.TinyGpt2)));
    }

    [Fact]
    public void Tiny_qwen3_counts_explicit_head_dim_and_qk_norms()
    {
        // norms 16 + q 8·12 + k 8·6 + v 8·6 + o 12·8 + q/k norms 12 + MLP 96 = 412; + table 40 (tied) + final norm 8 = 460.
        Assert.Equal(460, ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.TinyQwen3)).Total);
    }

    [Fact]
    public void Tiny_qwen2_counts_qkv_biases()
    {
        // norms 16 + q 64 + k 32 + v 32 + o 64 + biases 8 + 4 + 4 + MLP 96 = 320; + table 40 + head 40 + final norm 8 = 408.
        Assert.Equal(408, ParameterCounts.FromConfig(ArchitectureConfig.Parse(KnownConfigs.TinyQwen2)).Total);
    }
}
