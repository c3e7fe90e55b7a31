using Lem.Backends.TorchSharp.Backend;
using Lem.Engine.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Lem.Models.Onnx;
using Xunit.Abstractions;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>The same synthetic weights in TorchSharp fp32 (the reference) and ONNX Runtime GenAI fp32.</summary>
[Collection(TinyModels.Collection)]
public sealed class ParityTests(TinyModels models, ITestOutputHelper output)
{
    public static TheoryData<string> Presets => new(TinyModels.Presets);

    [Theory]
    [MemberData(nameof(Presets))]
    public void Greedy_tokens_match_torchsharp_for_64_steps_one_by_one_and_batched(string preset)
    {
        var reference = models.Reference(preset);
        var ort = models.Ort(preset);
        var prompts = TinyModels.Prompts(reference.Tokenizer);
        var settings = new GenerationSettings(MaxNewTokens: 64);

        var batchedReference = reference.Generate(prompts, settings);
        var batchedOrt = ort.Generate(prompts, settings);
        for (int r = 0; r < prompts.Length; r++)
        {
            var single = ort.Generate([prompts[r]], settings).OutputTokenIds[0];
            var singleReference = reference.Generate([prompts[r]], settings).OutputTokenIds[0];
            Assert.Equal(64, single.Length);
            Assert.Equal(singleReference, single);
            Assert.Equal(batchedReference.OutputTokenIds[r], batchedOrt.OutputTokenIds[r]);
            Assert.Equal(single, batchedOrt.OutputTokenIds[r]);
        }
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Prefill_logits_agree_within_1e_3_relative(string preset)
    {
        var reference = models.Reference(preset);
        var prompt = TinyModels.Prompts(reference.Tokenizer)[0];
        var expected = reference.PrefillLogitsOf(prompt);
        var actual = OnnxPrefill.LastLogits(models.OrtFolder(preset, "fp32"), prompt);
        double error = OnnxPrefill.RelativeError(actual, expected);
        output.WriteLine($"{preset}: fp32 prefill logits, max |ort - torchsharp| / max |torchsharp| = {error:E2}");
        Assert.True(error <= 1e-3, $"relative error {error:E2}");
    }
}
