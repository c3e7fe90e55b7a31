using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class DecoderPresetTests
{
    [Theory]
    [InlineData("deterministic", 0.0, 1.0, 0)]
    [InlineData("standard", 1.0, 0.95, 50)]
    [InlineData("creative", 1.2, 0.98, 100)]
    [InlineData("factual", 0.3, 0.9, 40)]
    public void Presets_have_their_documented_values(string name, double temperature, double topP, int topK)
    {
        var preset = DecoderPresets.Get(name);
        Assert.Equal((temperature, topP, topK, 0.0, 1.0), (preset.Temperature, preset.TopP, preset.TopK, preset.MinP, preset.RepetitionPenalty));

        TestRegistry.Instance.TryGet("decoder.preset", out var definition);
        Assert.Contains(name + " = " + preset.Describe(), definition.Help);
        Assert.Contains(name, definition.AllowedValuesOrEmpty);
    }

    [Fact]
    public void The_help_text_spells_out_the_values() =>
        Assert.Contains("factual = temperature 0.3, top_p 0.9, top_k 40", TestRegistry.Instance.All.Single(d => d.Name == "decoder.preset").Help);

    [Fact]
    public void Without_decoder_values_the_default_preset_decodes_greedily()
    {
        var config = ExperimentConfig.From(V.Set(), TestRegistry.Instance);

        Assert.True(config.Decoder.Greedy);
        Assert.Equal("deterministic", config.Decoder.Preset);
        var derived = new Provenance.Derived("decoder.preset=deterministic");
        Assert.Equal(new ResolvedValue(V.Dec(0), derived), config.Resolved["decoder.temperature"]);
        Assert.Equal(new ResolvedValue(V.Int(0), derived), config.Resolved["decoder.top_k"]);
        Assert.Equal(Provenance.DefaultValue, config.Resolved["decoder.preset"].From);
    }

    [Fact]
    public void Explicit_values_override_the_preset_and_keep_their_own_provenance()
    {
        var set = V.Set(("decoder.preset", V.Word("standard")), ("decoder.top_k", V.Int(10)), ("decoder.min_p", V.Dec(0.05)));

        var config = ExperimentConfig.From(set, TestRegistry.Instance);

        var derived = new Provenance.Derived("decoder.preset=standard");
        Assert.Equal(new ResolvedValue(V.Dec(1.0), derived), config.Resolved["decoder.temperature"]);
        Assert.Equal(new ResolvedValue(V.Dec(0.95), derived), config.Resolved["decoder.top_p"]);
        Assert.Equal(new ResolvedValue(V.Int(10), V.Line(2)), config.Resolved["decoder.top_k"]);
        Assert.Equal(new ResolvedValue(V.Dec(0.05), V.Line(3)), config.Resolved["decoder.min_p"]);
        Assert.Equal(new ResolvedValue(V.Dec(1.0), derived), config.Resolved["decoder.repetition_penalty"]);
        Assert.Equal(new DecoderConfig("standard", 1.0, 0.95, 10, 0.05, 1.0, 0), config.Decoder);
        Assert.Equal("derived from decoder.preset=standard", config.Resolved["decoder.temperature"].From.ToString());
    }

    [Fact]
    public void A_temperature_over_the_deterministic_preset_samples_with_the_preset_rest()
    {
        var config = ExperimentConfig.From(V.Set(("decoder.temperature", V.Dec(0.7)), ("decoder.seed", V.Int(42))), TestRegistry.Instance);

        Assert.False(config.Decoder.Greedy);
        var settings = config.GenerationSettings;
        Assert.Equal((false, 0.7, 1.0, 0, 42L), (settings.Greedy, settings.Temperature, settings.TopP, settings.TopK, settings.Seed!.Value));
        Assert.Contains(config.Notes, n => n.Severity == Severity.Info && n.Parameter == "decoder.temperature");
    }

    [Fact]
    public void Generation_settings_carry_the_output_length_and_every_decoder_value()
    {
        var config = ExperimentConfig.From(V.Set(
            ("decoder.preset", V.Word("factual")), ("decoder.repetition_penalty", V.Dec(1.1)),
            ("max_new_tokens", V.Int(64)), ("min_new_tokens", V.Int(64))), TestRegistry.Instance);

        Assert.Equal(new Lem.Engine.Inference.GenerationSettings(64, 64, false, 0.3, 40, 0.9, 0.0, 1.1, 0), config.GenerationSettings);
    }
}
