using Lem.Models.Safetensors;
using System.Security.Cryptography;
using System.Text.Json;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;
using TorchSharp;

namespace Lem.Backends.TorchSharp.Tests.Synthetic;

public sealed class SyntheticModelWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-syn-").FullName;

    private string Out(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Tiny_llama_is_a_hugging_face_folder()
    {
        var summary = SyntheticModelWriter.Write("llama", "tiny", 0, Out("m"));

        Assert.Equal(["model.safetensors", "config.json", "generation_config.json", "tokenizer_config.json", "vocab.json", "merges.txt"], summary.Files);
        Assert.Equal(summary.Parameters * 4, summary.WeightBytes);
        Assert.Equal("""
            {
              "architectures": [
                "LlamaForCausalLM"
              ],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 50256,
              "dtype": "float32",
              "eos_token_id": 50256,
              "head_dim": 16,
              "hidden_act": "silu",
              "hidden_size": 64,
              "initializer_range": 0.02,
              "intermediate_size": 172,
              "max_position_embeddings": 2048,
              "mlp_bias": false,
              "model_type": "llama",
              "num_attention_heads": 4,
              "num_hidden_layers": 2,
              "num_key_value_heads": 2,
              "pretraining_tp": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": null,
              "rope_theta": 10000.0,
              "tie_word_embeddings": false,
              "torch_dtype": "float32",
              "transformers_version": "4.57.1",
              "use_cache": true,
              "vocab_size": 50304
            }

            """.Replace("\r\n", "\n"), File.ReadAllText(Path.Combine(summary.Folder, "config.json")));
        Assert.Equal("{\n  \"_from_model_config\": true,\n  \"bos_token_id\": 50256,\n  \"eos_token_id\": 50256,\n  \"transformers_version\": \"4.57.1\"\n}\n",
            File.ReadAllText(Path.Combine(summary.Folder, "generation_config.json")));

        using var file = SafetensorsFile.Open(Path.Combine(summary.Folder, "model.safetensors"));
        Assert.Equal("pt", file.Metadata!["format"]);
        Assert.Equal(3 + 2 * 9, file.Entries.Count); // embed, norm, lm_head; 9 per layer
        Assert.All(file.Entries, e => Assert.Equal("F32", e.DType));
        Assert.Equal("50304,64", string.Join(",", file.Entry("model.embed_tokens.weight").Shape));
        Assert.Equal("32,64", string.Join(",", file.Entry("model.layers.1.self_attn.k_proj.weight").Shape));
        Assert.Equal("172,64", string.Join(",", file.Entry("model.layers.0.mlp.up_proj.weight").Shape));
        Assert.Equal("64,172", string.Join(",", file.Entry("model.layers.0.mlp.down_proj.weight").Shape));
        Assert.True(file.Contains("lm_head.weight"));
    }

    [Fact]
    public void Llama_3_2_config_has_llama3_rope_scaling_and_tied_embeddings()
    {
        var config = SyntheticConfig.Config(SyntheticPresets.Resolve("llama-3.2-1b"));
        string json = PythonJson.Dumps(config);
        Assert.Contains("\"rope_scaling\": {\n    \"factor\": 32.0,\n    \"high_freq_factor\": 4.0,\n    \"low_freq_factor\": 1.0,\n    \"original_max_position_embeddings\": 8192,\n    \"rope_type\": \"llama3\"\n  }", json);
        Assert.Contains("\"rope_theta\": 500000.0", json);
        Assert.Contains("\"tie_word_embeddings\": true", json);
        Assert.Contains("\"torch_dtype\": \"bfloat16\"", json);
        Assert.Contains("\"vocab_size\": 128256", json);
    }

    [Fact]
    public void Qwen2_has_qkv_biases_qwen3_has_qk_norms_gpt2_has_conv1d_shapes()
    {
        var qwen2 = SyntheticLayout.Tensors(SyntheticPresets.Resolve("qwen2:tiny")).ToDictionary(t => t.Name);
        Assert.Equal(SyntheticInit.Zeros, qwen2["model.layers.0.self_attn.k_proj.bias"].Init);
        Assert.Equal([32L], qwen2["model.layers.0.self_attn.k_proj.bias"].Shape);
        Assert.False(qwen2.ContainsKey("lm_head.weight"));

        var qwen3 = SyntheticLayout.Tensors(SyntheticPresets.Resolve("qwen3-0.6b")).ToDictionary(t => t.Name);
        Assert.Equal([128L], qwen3["model.layers.27.self_attn.q_norm.weight"].Shape);
        Assert.Equal([2048L, 1024L], qwen3["model.layers.0.self_attn.q_proj.weight"].Shape);
        Assert.False(qwen3.ContainsKey("model.layers.0.self_attn.q_proj.bias"));

        var gpt2 = SyntheticLayout.Tensors(SyntheticPresets.Resolve("gpt2")).ToDictionary(t => t.Name);
        Assert.Equal([768L, 2304L], gpt2["transformer.h.0.attn.c_attn.weight"].Shape);
        Assert.Equal([3072L, 768L], gpt2["transformer.h.11.mlp.c_proj.weight"].Shape);
        Assert.Equal([1024L, 768L], gpt2["transformer.wpe.weight"].Shape);
        Assert.False(gpt2.ContainsKey("lm_head.weight"));
    }

    [Fact]
    public void Same_seed_same_bytes_other_seed_other_bytes()
    {
        SyntheticModelWriter.Write("qwen3", "tiny", 7, Out("a"));
        SyntheticModelWriter.Write("qwen3", "tiny", 7, Out("b"));
        SyntheticModelWriter.Write("qwen3", "tiny", 8, Out("c"));
        string Hash(string d) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(Out(d), "model.safetensors"))));
        Assert.Equal(Hash("a"), Hash("b"));
        Assert.NotEqual(Hash("a"), Hash("c"));
    }

    [Fact]
    public void Weights_have_the_initializer_statistics()
    {
        var summary = SyntheticModelWriter.Write("llama", "tiny", 3, Out("m"));
        using var source = SafetensorsWeightSource.Open(summary.Folder);
        using var embed = source.Load("model.embed_tokens.weight", torch.ScalarType.Float64, torch.CPU);
        Assert.InRange(embed.mean().item<double>(), -0.0005, 0.0005);
        Assert.InRange(embed.std().item<double>(), 0.0195, 0.0205);
        Assert.True(embed.abs().max().item<double>() <= 0.02 * Math.Sqrt(3) * 2 + 1e-9);
        using var norm = source.Load("model.layers.1.post_attention_layernorm.weight", torch.ScalarType.Float32, torch.CPU);
        Assert.True(norm.eq(1f).all().item<bool>());
        // Different tensors get different values.
        using var q0 = source.Load("model.layers.0.self_attn.q_proj.weight", torch.ScalarType.Float32, torch.CPU);
        using var q1 = source.Load("model.layers.1.self_attn.q_proj.weight", torch.ScalarType.Float32, torch.CPU);
        Assert.False(q0.equal(q1).all().item<bool>());
    }

    [Fact]
    public void Bfloat16_conversion_rounds_to_nearest_even()
    {
        Assert.Equal(0x3F80, SyntheticWeights.ToBFloat16(1f));
        Assert.Equal(0xC000, SyntheticWeights.ToBFloat16(-2f));
        Assert.Equal(0x3F80, SyntheticWeights.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie, even stays
        Assert.Equal(0x3F82, SyntheticWeights.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie, odd rounds up
        Assert.Equal(0x3F81, SyntheticWeights.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808001)));
    }

    [Fact]
    public void Bf16_weights_equal_the_f32_weights_rounded()
    {
        var spec = new SyntheticTensorSpec("w", [1000], SyntheticInit.Normal);
        using var f32 = new MemoryStream();
        using var bf16 = new MemoryStream();
        SyntheticWeights.Write(f32, spec, "F32", 5);
        SyntheticWeights.Write(bf16, spec, "BF16", 5);
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(f32.ToArray());
        var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bf16.ToArray());
        for (int i = 0; i < floats.Length; i++)
            Assert.Equal(SyntheticWeights.ToBFloat16(floats[i]), halves[i]);
    }

    [Fact]
    public void Sharded_synthetic_model_loads_through_the_index()
    {
        var summary = SyntheticModelWriter.Write("gpt2", "tiny", 1, Out("s"), maxShardBytes: 4_000_000);
        Assert.Contains(SafetensorsIndex.FileName, summary.Files);
        Assert.Contains("model-00001-of-00002.safetensors", summary.Files);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(summary.Folder, SafetensorsIndex.FileName)));
        Assert.Equal(summary.WeightBytes, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());

        using var source = SafetensorsWeightSource.Open(summary.Folder);
        Assert.Equal(SyntheticLayout.Tensors(SyntheticPresets.Resolve("gpt2:tiny")).Count, source.Names.Count);
        using var ln = source.Load("transformer.ln_f.bias", torch.ScalarType.Float32, torch.CPU);
        Assert.True(ln.eq(0f).all().item<bool>());
    }

    [Fact]
    public void Tokenizer_of_a_synthetic_model_is_gpt2_and_fits_the_vocabulary()
    {
        var tiny = SyntheticModelWriter.Write("mistral", "tiny", 0, Out("t"));
        var tokenizer = TokenizerLoader.Load(tiny.Folder);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world"));

        // mistral-7b's vocabulary (32000) is smaller than GPT-2's: ids fold into range, counts stay.
        File.WriteAllText(Path.Combine(tiny.Folder, "tokenizer_config.json"),
            PythonJson.Dumps(SyntheticConfig.TokenizerConfig(SyntheticPresets.Resolve("mistral-7b"))));
        var folded = TokenizerLoader.Load(tiny.Folder);
        Assert.Equal(32000, folded.VocabSize);
        Assert.Equal([15496, 995 ], folded.Encode("Hello world"));
        Assert.Equal([464, 2068, 7586, 21831 % 32000, 18045, 625, 262, 16931, 3290, 13], folded.Encode("The quick brown fox jumps over the lazy dog."));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
