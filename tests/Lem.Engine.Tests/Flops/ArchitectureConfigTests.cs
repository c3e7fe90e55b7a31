using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;

namespace Lem.Engine.Tests.Flops;

public class ArchitectureConfigTests
{
    [Fact]
    public void Reads_grouped_query_fields_and_family_defaults()
    {
        var c = ArchitectureConfig.Parse(KnownConfigs.Qwen25_05B);
        Assert.Equal(ModelFamily.Qwen2, c.Family);
        Assert.Equal((896, 24, 14, 2, 64, 4864, 151936), (c.HiddenSize, c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.IntermediateSize, c.VocabSize));
        Assert.True(c.TieWordEmbeddings);
        Assert.True(c.QkvBias);
        Assert.False(c.OutputBias);
    }

    [Fact]
    public void Qwen3_uses_its_explicit_head_dim()
    {
        var c = ArchitectureConfig.Parse(KnownConfigs.Qwen3_06B);
        Assert.Equal(128, c.HeadDim);
        Assert.Equal(2048, c.QueryWidth);
        Assert.Equal(1024, c.KvWidth);
        Assert.True(c.QkNorm);
    }

    [Fact]
    public void Gpt2_derives_inner_size_and_ties_by_default()
    {
        var c = ArchitectureConfig.Parse(KnownConfigs.Gpt2);
        Assert.Equal(3072, c.IntermediateSize);
        Assert.Equal(12, c.NumKvHeads);
        Assert.True(c.TieWordEmbeddings);
        Assert.Equal(1024, c.LearnedPositions);
        Assert.False(c.GatedMlp);
    }

    [Fact]
    public void Missing_kv_heads_means_multi_head_attention()
    {
        Assert.Equal(32, ArchitectureConfig.Parse(KnownConfigs.Llama2_7B).NumKvHeads);
    }

    [Fact]
    public void Unsupported_model_type_names_it_and_the_supported_ones()
    {
        var e = Assert.Throws<FlopsInputException>(() => ArchitectureConfig.Parse("""{"model_type": "phi3", "hidden_size": 8}""", "m/config.json"));
        Assert.Contains("m/config.json", e.Message);
        Assert.Contains("\"phi3\"", e.Message);
        Assert.Contains("llama, mistral, qwen2, qwen3, gpt2", e.Message);
    }

    [Fact]
    public void Missing_field_is_named()
    {
        var e = Assert.Throws<FlopsInputException>(() => ArchitectureConfig.Parse(
            """{"model_type": "llama", "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1, "vocab_size": 4}"""));
        Assert.Contains("\"intermediate_size\" is missing", e.Message);
    }

    [Fact]
    public void Invalid_json_reports_the_line()
    {
        var e = Assert.Throws<FlopsInputException>(() => ArchitectureConfig.Parse("{\n  \"model_type\": \"llama\",\n  oops\n}", "x.json"));
        Assert.StartsWith("x.json:3:", e.Message);
    }

    [Fact]
    public void Wrong_value_type_is_named()
    {
        var e = Assert.Throws<FlopsInputException>(() => ArchitectureConfig.Parse(KnownConfigs.TinyLlama.Replace("\"hidden_size\": 8", "\"hidden_size\": \"8\"")));
        Assert.Contains("\"hidden_size\" is \"8\"", e.Message);
    }

    [Fact]
    public void Kv_heads_must_divide_heads()
    {
        var e = Assert.Throws<FlopsInputException>(() => ArchitectureConfig.Parse(KnownConfigs.TinyLlama.Replace("\"num_key_value_heads\": 1", "\"num_key_value_heads\": 3")));
        Assert.Contains("num_key_value_heads (3)", e.Message);
    }

    [Fact]
    public void Load_accepts_a_model_folder_and_names_a_missing_file()
    {
        var folder = Directory.CreateTempSubdirectory("lem-flops-");
        try
        {
            var missing = Assert.Throws<FlopsInputException>(() => ArchitectureConfig.Load(folder.FullName));
            Assert.Contains(Path.Combine(folder.FullName, "config.json"), missing.Message);
            File.WriteAllText(Path.Combine(folder.FullName, "config.json"), KnownConfigs.TinyLlama);
            Assert.Equal(ModelFamily.Llama, ArchitectureConfig.Load(folder.FullName).Family);
        }
        finally { folder.Delete(recursive: true); }
    }
}
