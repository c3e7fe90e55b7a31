using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class ParameterNameSuggestionTests
{
    [Theory]
    [InlineData("batch_size", "batching.batch_size")]          // the last segment alone
    [InlineData("decoder.temprature", "decoder.temperature")]  // a typo
    [InlineData("decoder.tmeperature", "decoder.temperature")] // swapped neighbours
    [InlineData("precison", "precision")]
    [InlineData("Precision", "precision")]                      // case
    [InlineData("max-new-tokens", "max_new_tokens")]            // dashes
    [InlineData("decoding.temperature", "decoder.temperature")] // wrong section
    [InlineData("batching.size", "batching.batch_size")]        // part of the name in the right section
    [InlineData("decoder.temp", "decoder.temperature")]         // a prefix
    [InlineData("qps", "traffic.qps")]
    [InlineData("temperature", "decoder.temperature")]
    [InlineData("step_ms", "scripted.step_ms")]
    [InlineData("max_tokens", "max_new_tokens")]                // names from other tools
    [InlineData("torch_dtype", "precision")]
    [InlineData("carbon.intensity", "carbon.intensity_g_per_kwh")]
    [InlineData("warmup.cv", "warmup.cv_threshold")]
    public void Suggests_the_registry_name_meant(string written, string expected) =>
        Assert.Equal(expected, TestRegistry.Instance.Suggest(written));

    [Theory]
    [InlineData("xyzzy")]
    [InlineData("")]
    [InlineData("q")]
    public void Suggests_nothing_when_no_name_is_close(string written) =>
        Assert.Null(TestRegistry.Instance.Suggest(written));

    [Fact]
    public void Every_suggestion_is_a_registry_name()
    {
        foreach (var definition in TestRegistry.Instance.All)
        {
            var misspelt = definition.Name[..^1];
            var suggestion = TestRegistry.Instance.Suggest(misspelt);
            Assert.True(suggestion is not null && TestRegistry.Instance.TryGet(suggestion, out _), $"{misspelt} -> {suggestion}");
        }
    }
}
