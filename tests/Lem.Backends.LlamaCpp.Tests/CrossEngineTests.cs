using Lem.Backends.TorchSharp.Backend;
using Lem.Engine.Inference;
using Xunit.Abstractions;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>
/// The same seeded weights as safetensors in TorchSharp fp32 and as GGUF f32 in llama.cpp give the same greedy tokens
/// and the same prefill logits: the GGUF writer (names, dimension order, rope layout, metadata) is right.
/// </summary>
public sealed class CrossEngineTests(SyntheticModels models, ITestOutputHelper output) : IClassFixture<SyntheticModels>
{
    public static TheoryData<string> Families => new() { "llama", "mistral", "qwen2", "qwen3" };

    private LlamaCppModel LoadGguf(string arch, string quantization = "source") =>
        models.Module.Load(new ModelLoadRequest(models.Gguf(arch), "fp32", "cpu", new Dictionary<string, object>
        {
            [LlamaCppParameters.Quantization] = quantization,
            // llama.cpp's defaults are not fp32: an f16 KV cache, and flash attention (auto = on for the CPU), whose CPU
            // kernel rounds through f16 (2e-4 relative logit error even for a one-token prompt)
            [LlamaCppParameters.CacheType] = "f32",
            [LlamaCppParameters.FlashAttention] = "off",
        }));

    [Theory]
    [MemberData(nameof(Families))]
    public void Prefill_logits_agree_within_1e3_relative(string arch)
    {
        using var reference = TorchSharpReference.Load(models.Folder(arch));
        using var model = LoadGguf(arch);
        foreach (var prompt in TorchSharpReference.Prompts(1, 1, 6, 37))
        {
            double error = TorchSharpReference.RelativeError(reference.PrefillLogitsOf(prompt), model.PrefillLogits(prompt));
            output.WriteLine($"{arch} prompt of {prompt.Length}: relative logit error {error:E2}");
            Assert.True(error < 1e-3, $"{arch}: relative error {error} for a prompt of {prompt.Length} tokens");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Greedy_tokens_are_the_same_for_64_steps_batched_and_one_by_one(string arch)
    {
        var settings = new GenerationSettings(MaxNewTokens: 64, MinNewTokens: 64);
        var prompts = TorchSharpReference.Prompts(2, 5, 11, 8);
        using var reference = TorchSharpReference.Load(models.Folder(arch));
        using var model = LoadGguf(arch);

        var expectedBatched = reference.Generate(prompts, settings).OutputTokenIds;
        var batched = model.Generate(prompts, settings).OutputTokenIds;
        for (int r = 0; r < prompts.Length; r++)
        {
            var expectedAlone = reference.Generate([prompts[r]], settings).OutputTokenIds[0];
            var alone = model.Generate([prompts[r]], settings).OutputTokenIds[0];
            Assert.Equal(64, alone.Length);
            Assert.Equal(expectedAlone, alone);
            Assert.Equal(expectedBatched[r], batched[r]);
            Assert.Equal(alone, batched[r]);
        }
    }
}
