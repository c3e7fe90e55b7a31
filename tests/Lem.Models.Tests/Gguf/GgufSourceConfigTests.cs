using Lem.Engine.Flops.Analytical;
using Lem.Models.Gguf;
using Lem.Models.Onnx;

namespace Lem.Models.Tests.Gguf;

/// <summary>The GGUF writer reads a config.json through the engine's one reader: it agrees with FLOPs/MBU and the ONNX writer.</summary>
public class GgufSourceConfigTests
{
    // Qwen3 without head_dim: transformers' Qwen3Config defaults it to 128, not hidden_size / num_attention_heads (64)
    private const string Qwen3WithoutHeadDim = """
        {"model_type": "qwen3", "architectures": ["Qwen3ForCausalLM"], "hidden_size": 1024, "num_hidden_layers": 2,
         "num_attention_heads": 16, "num_key_value_heads": 8, "intermediate_size": 3072, "vocab_size": 151936,
         "max_position_embeddings": 40960, "rope_theta": 1000000, "rms_norm_eps": 1e-6, "tie_word_embeddings": true,
         "bos_token_id": 151643, "eos_token_id": [151645, 151643]}
        """;

    [Fact]
    public void A_qwen3_config_without_head_dim_gives_128_as_for_flops()
    {
        var gguf = GgufSourceConfig.Parse(Qwen3WithoutHeadDim, "config.json");
        var flops = ArchitectureConfig.Parse(Qwen3WithoutHeadDim);

        Assert.Equal(128, gguf.HeadDim);
        Assert.Equal(flops.HeadDim, gguf.HeadDim);
        Assert.Equal((16, 8, 1024, 3072, 151936, 40960, true), (gguf.Heads, gguf.KvHeads, gguf.HiddenSize, gguf.IntermediateSize, gguf.VocabSize, gguf.MaxPositionEmbeddings, gguf.TieWordEmbeddings));
        Assert.Equal(151643, gguf.BosTokenId);
        Assert.Equal([151645, 151643], gguf.EosTokenIds);
        var onnx = DecoderSpec.Parse(Qwen3WithoutHeadDim, "config.json");
        Assert.Equal((onnx.Architecture.HeadDim, onnx.BosTokenId), (gguf.HeadDim, gguf.BosTokenId));
        Assert.Equal(onnx.EosTokenIds, gguf.EosTokenIds);
    }

    [Fact]
    public void A_missing_shape_key_is_named_with_the_file()
    {
        var error = Assert.Throws<Lem.Engine.Inference.InferenceException>(() =>
            GgufSourceConfig.Parse("""{"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4}""", "/m/config.json"));
        Assert.Contains("/m/config.json", error.Message);
        Assert.Contains("num_hidden_layers", error.Message);
    }
}
