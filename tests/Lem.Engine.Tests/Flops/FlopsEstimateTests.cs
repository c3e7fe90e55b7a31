using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;

namespace Lem.Engine.Tests.Flops;

public class FlopsEstimateTests
{
    private static readonly BatchShape[] Shapes = [BatchShape.Uniform(2, 3, 3)];
    private static readonly FlopCount TinyAnalytical = new(15296, 11008);

    [Fact]
    public void Traced_agreeing_with_the_formula_is_high_confidence()
    {
        var e = FlopsEstimate.Estimate(Shapes, new FlopCount(15296, 11008 * 1.001), KnownConfigs.TinyLlama);
        Assert.Equal(FlopsMethod.Traced, e.Method);
        Assert.Equal(FlopsConfidence.High, e.Confidence);
        Assert.Equal("traced", e.MethodName);
        Assert.Equal(15296 + 11008 * 1.001, e.TotalFlops);
        Assert.Equal(e.TotalFlops / 6, e.FlopsPerOutputToken);
        Assert.InRange(e.TracedVsAnalyticalRelativeDifference!.Value, 0.0004, 0.0005);
    }

    [Fact]
    public void Traced_disagreeing_with_the_formula_is_medium_and_says_by_how_much()
    {
        var e = FlopsEstimate.Estimate(Shapes, new FlopCount(15296 * 1.1, 11008 * 1.1), KnownConfigs.TinyLlama);
        Assert.Equal(FlopsMethod.Traced, e.Method);
        Assert.Equal(FlopsConfidence.Medium, e.Confidence);
        Assert.Contains("10.00%", e.Reason);
    }

    [Fact]
    public void Traced_without_a_formula_stays_high_and_says_why_unchecked()
    {
        var e = FlopsEstimate.Estimate(Shapes, new FlopCount(1, 2), """{"model_type": "phi3"}""");
        Assert.Equal(FlopsConfidence.High, e.Confidence);
        Assert.Contains("no analytical cross-check", e.Reason);
        Assert.Null(e.TracedVsAnalyticalRelativeDifference);
    }

    [Fact]
    public void Without_traced_the_formula_is_used()
    {
        var e = FlopsEstimate.Estimate(Shapes, traced: null, KnownConfigs.TinyLlama);
        Assert.Equal(FlopsMethod.Analytical, e.Method);
        Assert.Equal(FlopsConfidence.Medium, e.Confidence);
        Assert.Equal("analytical", e.MethodName);
        Assert.Equal(TinyAnalytical.PrefillFlops, e.PrefillFlops);
        Assert.Equal(TinyAnalytical.DecodeFlops, e.DecodeFlops);
        Assert.Equal(26304.0 / 6, e.FlopsPerOutputToken);
    }

    [Fact]
    public void Analytical_uses_every_real_shape()
    {
        BatchShape[] shapes = [BatchShape.Uniform(1, 2, 4), new BatchShape(3, 9, [3, 2], 6)];
        var config = ArchitectureConfig.Parse(KnownConfigs.TinyLlama);
        var e = FlopsEstimate.Estimate(shapes, null, KnownConfigs.TinyLlama);
        Assert.Equal(AnalyticalFlops.ForBatch(config, shapes[0]).TotalFlops + AnalyticalFlops.ForBatch(config, shapes[1]).TotalFlops, e.TotalFlops);
        Assert.Equal(e.TotalFlops / 10, e.FlopsPerOutputToken);
        Assert.Contains("2 batch shapes", e.Reason);
    }

    [Fact]
    public void Unsupported_config_falls_back_to_parameters_with_low_confidence()
    {
        var e = FlopsEstimate.Estimate(Shapes, null, """{"model_type": "phi3"}""", parameterCount: 1000);
        Assert.Equal(FlopsMethod.ParameterBased, e.Method);
        Assert.Equal(FlopsConfidence.Low, e.Confidence);
        Assert.Equal("parameter_based", e.MethodName);
        Assert.Equal(2.0 * 1000 * 6, e.PrefillFlops);
        Assert.Equal(2.0 * 1000 * 4, e.DecodeFlops);
        Assert.Contains("phi3", e.Reason);
    }

    [Fact]
    public void Nothing_to_go_on_is_unavailable_with_a_reason()
    {
        var e = FlopsEstimate.Estimate(Shapes, null, null);
        Assert.Equal(FlopsMethod.Unavailable, e.Method);
        Assert.Equal(FlopsConfidence.None, e.Confidence);
        Assert.Null(e.TotalFlops);
        Assert.Contains("no config.json", e.Reason);
    }

    [Fact]
    public void No_batches_is_unavailable()
    {
        Assert.Equal(FlopsMethod.Unavailable, FlopsEstimate.Estimate([], new FlopCount(1, 1), KnownConfigs.TinyLlama).Method);
    }

    [Fact]
    public void From_generations_uses_traced_only_when_every_call_has_it()
    {
        var info = new ModelInfo("m", "LlamaForCausalLM", "llama", 1352, 2704, "bf16", "cpu", 64, 10, null, KnownConfigs.TinyLlama);
        BatchGeneration Call(FlopCount? traced) => new([new int[3], new int[3]], 6, 6, 0.1, 0.1, traced);

        var all = FlopsEstimate.Estimate(info, [Call(TinyAnalytical), Call(TinyAnalytical)]);
        Assert.Equal(FlopsMethod.Traced, all.Method);
        Assert.Equal(2 * TinyAnalytical.TotalFlops, all.TotalFlops);
        Assert.Equal(0, all.TracedVsAnalyticalRelativeDifference);

        var some = FlopsEstimate.Estimate(info, [Call(TinyAnalytical), Call(null)]);
        Assert.Equal(FlopsMethod.Analytical, some.Method);
        Assert.Equal(2 * TinyAnalytical.TotalFlops, some.TotalFlops);
    }
}
