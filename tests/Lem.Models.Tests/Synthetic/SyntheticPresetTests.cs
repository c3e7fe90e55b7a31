using Lem.Models.Synthetic;
using Lem.Engine.Inference;

namespace Lem.Models.Tests.Synthetic;

public class SyntheticPresetTests
{
    // Parameter counts of the real models (their published safetensors, tied weights once).
    [Theory]
    [InlineData("llama:llama-3.2-1b", 1_235_814_400L)]
    [InlineData("llama:llama-3.1-8b", 8_030_261_248L)]
    [InlineData("llama:llama-2-7b", 6_738_415_616L)]
    [InlineData("mistral:mistral-7b", 7_241_732_096L)]
    [InlineData("qwen2:qwen2.5-0.5b", 494_032_768L)]
    [InlineData("qwen3:qwen3-0.6b", 596_049_920L)]
    [InlineData("gpt2:gpt2", 124_439_808L)]
    public void Real_shaped_presets_have_the_real_parameter_count(string spec, long parameters) =>
        Assert.Equal(parameters, SyntheticModelWriter.ParameterCount(SyntheticPresets.Resolve(spec)));

    [Fact]
    public void Tiny_presets_are_a_few_megabytes()
    {
        foreach (var p in SyntheticPresets.All.Where(p => p.Name == "tiny"))
        {
            long bytes = SyntheticModelWriter.ParameterCount(p) * 4;
            Assert.InRange(bytes, 1_000_000, 30_000_000);
            Assert.Equal("float32", p.DType);
        }
    }

    [Theory]
    [InlineData("tiny", "llama:tiny")]
    [InlineData("TINY", "llama:tiny")]
    [InlineData("llama-3.2-1b", "llama:llama-3.2-1b")]
    [InlineData("qwen2.5-0.5b", "qwen2:qwen2.5-0.5b")]
    [InlineData("qwen3-0.6b", "qwen3:qwen3-0.6b")]
    [InlineData("mistral-7b", "mistral:mistral-7b")]
    [InlineData("gpt2", "gpt2:gpt2")]
    [InlineData("qwen3:tiny", "qwen3:tiny")]
    [InlineData("qwen3-tiny", "qwen3:tiny")]
    [InlineData("gpt2-tiny", "gpt2:tiny")]
    [InlineData(" llama:llama-2-7b ", "llama:llama-2-7b")]
    public void Names_resolve_to_presets(string name, string spec) => Assert.Equal(spec, SyntheticPresets.Resolve(name).Spec);

    [Fact]
    public void Naming_help_lists_every_preset()
    {
        foreach (var p in SyntheticPresets.All)
            Assert.Contains(p.Spec, SyntheticPresets.NamingHelp);
        Assert.Contains("llama-3.2-1b,", SyntheticPresets.NamingHelp);
    }

    [Theory]
    [InlineData("llama-4")]
    [InlineData("qwen3:huge")]
    [InlineData("bert:tiny")]
    public void Unknown_names_list_the_presets(string name)
    {
        var e = Assert.Throws<InferenceException>(() => SyntheticPresets.Resolve(name));
        Assert.Contains("is not a preset. Remedy: use one of", e.Message);
        Assert.Contains("qwen2.5-0.5b", e.Message);
    }
}
