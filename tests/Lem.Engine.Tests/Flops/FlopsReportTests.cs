using System.Text.Json;
using Lem.Engine.Flops;

namespace Lem.Engine.Tests.Flops;

public class FlopsReportTests
{
    private static FlopsReport ReportFor(string json, int prompt, int newTokens, int batch)
    {
        var file = Path.Combine(Path.GetTempPath(), $"lem-flops-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try { return FlopsReport.Compute(file, prompt, newTokens, batch); }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Computes_from_config_json_alone()
    {
        var r = ReportFor(KnownConfigs.TinyLlama, prompt: 3, newTokens: 3, batch: 2);
        Assert.Equal(new FlopCount(15296, 11008), r.Analytical);
        Assert.Equal(14912, r.AnalyticalCausalPrefillFlops);
        Assert.Equal(26304.0 / 6, r.AnalyticalFlopsPerOutputToken);
        Assert.Equal(1352, r.Parameters.Total);
        Assert.Equal(new FlopCount(2.0 * 1192 * 6, 2.0 * 1192 * 4), r.ParameterBased);
    }

    [Fact]
    public void Json_carries_every_field()
    {
        var r = ReportFor(KnownConfigs.TinyLlama, 3, 3, 2);
        using var doc = JsonDocument.Parse(r.ToJson());
        var root = doc.RootElement;
        Assert.Equal("llama", root.GetProperty("model_type").GetString());
        Assert.Equal(6, root.GetProperty("workload").GetProperty("output_tokens").GetInt64());
        Assert.Equal(1352, root.GetProperty("parameters").GetProperty("total").GetInt64());
        Assert.Equal(1192, root.GetProperty("parameters").GetProperty("non_embedding").GetInt64());
        var a = root.GetProperty("analytical");
        Assert.Equal(15296, a.GetProperty("prefill_flops").GetDouble());
        Assert.Equal(14912, a.GetProperty("prefill_flops_causal").GetDouble());
        Assert.Equal(11008, a.GetProperty("decode_flops").GetDouble());
        Assert.Equal(26304, a.GetProperty("total_flops").GetDouble());
        Assert.Equal(4384, a.GetProperty("flops_per_output_token").GetDouble());
        Assert.Equal("executed", a.GetProperty("attention").GetString());
        Assert.Equal("last_position", a.GetProperty("prefill_logits").GetString());
        var p = root.GetProperty("parameter_based");
        Assert.Equal("non_embedding", p.GetProperty("parameters_used").GetString());
        Assert.Equal(2.0 * 1192 * 10, p.GetProperty("total_flops").GetDouble());
        Assert.Equal(2.0 * 1192 * 10 / 6, p.GetProperty("flops_per_output_token").GetDouble());
    }

    [Fact]
    public void Text_shows_the_figures_and_conventions()
    {
        var text = ReportFor(KnownConfigs.Llama31_8B, 128, 128, 8).ToText();
        Assert.Contains("8,030,261,248", text);
        Assert.Contains("last position", text);
        Assert.Contains("per output token", text);
        Assert.Contains("TFLOP", text);
    }

    [Fact]
    public void Bad_counts_and_paths_are_one_line_messages()
    {
        Assert.Contains("batch is 0", Assert.Throws<FlopsInputException>(() => FlopsReport.Compute("x", 1, 1, 0)).Message);
        Assert.Contains("file not found", Assert.Throws<FlopsInputException>(() => FlopsReport.Compute("/nonexistent/config.json", 1, 1, 1)).Message);
    }
}
