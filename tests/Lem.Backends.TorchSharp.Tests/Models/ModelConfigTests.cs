using Lem.Engine.Flops.Analytical;
using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.Models;

public class ModelConfigTests
{
    private const string Path = "/models/x/config.json";

    private const string Llama31 = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256, "hidden_size": 4096,
         "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
         "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 8192, "rope_type": "llama3"},
         "tie_word_embeddings": false, "eos_token_id": [128001, 128008, 128009], "bos_token_id": 128000, "hidden_act": "silu"}
        """;

    [Fact]
    public void Llama31_config_is_read()
    {
        var c = ModelConfig.Parse(Llama31, Path);
        Assert.Equal(ModelFamily.Llama, c.Family);
        Assert.Equal(128, c.HeadDim);
        Assert.Equal(8, c.NumKeyValueHeads);
        Assert.Equal(new RopeScaling("llama3", 500000.0, 8.0, 1.0, 4.0, 8192), c.Rope);
        Assert.Equal([128001, 128008, 128009], c.EosTokenIds);
        Assert.False(c.TieWordEmbeddings);
        Assert.False(c.QkvBias);
    }

    [Fact]
    public void Transformers5_rope_parameters_are_read()
    {
        var json = Llama31.Replace("\"rope_theta\": 500000.0,", "").Replace("\"rope_scaling\"", "\"rope_parameters\"")
            .Replace("\"rope_type\": \"llama3\"", "\"rope_type\": \"llama3\", \"rope_theta\": 500000.0");
        Assert.Equal(new RopeScaling("llama3", 500000.0, 8.0, 1.0, 4.0, 8192), ModelConfig.Parse(json, Path).Rope);
    }

    [Fact]
    public void Gpt2_keys_map_onto_the_same_fields()
    {
        var c = ModelConfig.Parse("""{"model_type": "gpt2", "vocab_size": 50257, "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024, "n_inner": null}""", Path);
        Assert.Equal((768, 3072, 12, 12, 64, 1024), (c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumKeyValueHeads, c.HeadDim, c.MaxPositionEmbeddings));
        Assert.True(c.TieWordEmbeddings);
        Assert.Equal("GPT2LMHeadModel", c.Architecture);
        Assert.Null(c.Rope);
    }

    [Fact]
    public void Mistral_sliding_window_is_kept_and_qwen_one_only_when_used()
    {
        var mistral = Llama31.Replace("\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 4096");
        Assert.Equal(4096, ModelConfig.Parse(mistral, Path).SlidingWindow);
        var qwen = Llama31.Replace("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\", \"sliding_window\": 4096, \"use_sliding_window\": false");
        var c = ModelConfig.Parse(qwen, Path);
        Assert.Null(c.SlidingWindow);
        Assert.True(c.QkvBias);
        Assert.False(c.OutputBias);
    }

    [Theory]
    [InlineData("{\"model_type\": \"llama\", ", "not valid JSON")]
    [InlineData("[1, 2]", "top level must be a JSON object")]
    public void Malformed_json_names_the_file(string json, string expected)
    {
        var e = Assert.Throws<InferenceException>(() => ModelConfig.Parse(json, Path));
        Assert.StartsWith(Path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("\"hidden_size\": 4096,", "", "\"hidden_size\" is missing")]
    [InlineData("\"hidden_size\": 4096", "\"hidden_size\": \"big\"", "\"hidden_size\" is \"big\"; a whole number is expected")]
    [InlineData("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5", "num_attention_heads (32) is not a multiple of num_key_value_heads (5)")]
    [InlineData("\"rope_type\": \"llama3\"", "\"rope_type\": \"yarn\"", "\"rope_scaling\" has rope_type \"yarn\"")]
    [InlineData("\"model_type\": \"llama\"", "\"model_type\": \"bert\"", "\"model_type\" is \"bert\"")]
    [InlineData("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": 0", "\"tie_word_embeddings\" is 0; true or false is expected")]
    [InlineData("\"hidden_act\": \"silu\"", "\"hidden_act\": \"relu\"", "\"hidden_act\" is \"relu\"")]
    public void Bad_keys_are_named(string find, string replace, string expected)
    {
        var json = Llama31.Replace(find, replace);
        Assert.NotEqual(Llama31, json);
        var e = Assert.Throws<InferenceException>(() => ModelConfig.Parse(json, Path));
        Assert.StartsWith(Path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Generation_config_adds_its_eos_ids()
    {
        var dir = Directory.CreateTempSubdirectory("lem-config-");
        try
        {
            File.WriteAllText(System.IO.Path.Combine(dir.FullName, "config.json"), Llama31.Replace("[128001, 128008, 128009]", "128001"));
            File.WriteAllText(System.IO.Path.Combine(dir.FullName, "generation_config.json"), """{"eos_token_id": [128001, 128009]}""");
            Assert.Equal([128001, 128009], ModelConfig.Load(dir.FullName).EosTokenIds);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Missing_config_file_is_named()
    {
        var e = Assert.Throws<InferenceException>(() => ModelConfig.Load("/nonexistent/model"));
        Assert.Contains("/nonexistent/model/config.json does not exist", e.Message);
    }

    /// <summary>The model and the FLOPs/MBU figures read config.json once, the same way: they used to disagree on
    /// Qwen3's default head_dim (transformers: 128) and on Mistral's and Qwen3's biases.</summary>
    [Theory]
    [InlineData("""{"model_type": "qwen3", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 172, "num_hidden_layers": 2, "vocab_size": 100, "max_position_embeddings": 64}""")]
    [InlineData("""{"model_type": "qwen3", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 172, "num_hidden_layers": 2, "vocab_size": 100, "max_position_embeddings": 64, "attention_bias": true, "mlp_bias": true}""")]
    [InlineData("""{"model_type": "mistral", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 172, "num_hidden_layers": 2, "vocab_size": 100, "max_position_embeddings": 64, "attention_bias": true, "mlp_bias": true}""")]
    [InlineData("""{"model_type": "qwen2", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 172, "num_hidden_layers": 2, "vocab_size": 100, "max_position_embeddings": 64}""")]
    public void The_model_and_the_flops_read_the_same_shape(string json)
    {
        var model = ModelConfig.Parse(json, Path);
        var flops = Lem.Engine.Flops.Analytical.ArchitectureConfig.Parse(json);
        Assert.Equal((flops.HeadDim, flops.QkvBias, flops.OutputBias, flops.MlpBias, flops.NumKvHeads, flops.QkNorm),
            (model.HeadDim, model.QkvBias, model.OutputBias, model.MlpBias, model.NumKeyValueHeads, model.QkNorm));
    }
}
