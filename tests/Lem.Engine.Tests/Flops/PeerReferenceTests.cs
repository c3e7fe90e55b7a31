using Lem.Engine.Flops.Analytical;

namespace Lem.Engine.Tests.Flops;

/// <summary>
/// The analytical count against an independent one: torch.utils.flop_counter.FlopCounterMode around Hugging Face
/// transformers 5.17 generate (torch 2.11, eager attention, random weights, batch 2, prompt 5, 4 new tokens, no EOS),
/// measured on the project's GPU machine on 2026-11-25. Prefill = generate with 1 new token; decode = the rest.
/// transformers computes rotary cos/sin with one small matmul per forward pass, inv_freq (head_dim/2) × positions,
/// which the formula leaves out: 2 · rows · head_dim/2 · query positions FLOPs, subtracted here. Everything else matches exactly,
/// including last-position-only logits in prefill (generate passes logits_to_keep = 1).
/// </summary>
public class PeerReferenceTests
{
    private const string Base = "\"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"intermediate_size\": 128, \"vocab_size\": 100, \"tie_word_embeddings\": false";

    [Theory]
    [InlineData("{\"model_type\": \"llama\", " + Base + "}", 1525920, 983136)]
    [InlineData("{\"model_type\": \"llama\", " + Base + ", \"attention_bias\": true, \"mlp_bias\": true}", 1525920, 983136)]
    [InlineData("{\"model_type\": \"mistral\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 1, \"intermediate_size\": 160, \"vocab_size\": 120, \"tie_word_embeddings\": false, \"sliding_window\": null}", 1694880, 1096800)]
    [InlineData("{\"model_type\": \"qwen2\", \"hidden_size\": 64, \"num_hidden_layers\": 3, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"intermediate_size\": 96, \"vocab_size\": 100, \"tie_word_embeddings\": true}", 1907360, 1215072)]
    [InlineData("{\"model_type\": \"qwen3\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"head_dim\": 32, \"intermediate_size\": 96, \"vocab_size\": 100, \"tie_word_embeddings\": true}", 1797440, 1152192)]
    [InlineData("{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_layer\": 2, \"n_head\": 4, \"n_inner\": null, \"vocab_size\": 100, \"n_positions\": 64}", 2017280, 1277952)]
    public void Matches_pytorch_flop_counter_on_transformers_generate(string json, double measuredPrefill, double measuredDecode)
    {
        const int rows = 2, prompt = 5, newTokens = 4;
        var config = ArchitectureConfig.Parse(json);
        double rotaryPerPosition = config.Family == ModelFamily.Gpt2 ? 0 : 2.0 * rows * (config.HeadDim / 2);
        var flops = AnalyticalFlops.ForBatch(config, rows, prompt, newTokens);
        Assert.Equal(measuredPrefill - rotaryPerPosition * prompt, flops.PrefillFlops);
        Assert.Equal(measuredDecode - rotaryPerPosition * (newTokens - 1), flops.DecodeFlops);
    }
}
