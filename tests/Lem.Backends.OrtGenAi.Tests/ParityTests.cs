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

    /// <summary>Through GenAI itself (Generator.GetOutput("logits")), for every prompt, batched (padded) and one by one.</summary>
    [Theory]
    [MemberData(nameof(Presets))]
    public void Prefill_logits_agree_within_1e_3_relative(string preset)
    {
        var reference = models.Reference(preset);
        var prompts = TinyModels.Prompts(reference.Tokenizer);
        string folder = models.OrtFolder(preset, "fp32");
        var batched = GenAiPrefill.LastLogits(folder, prompts);
        double worst = 0;
        for (int r = 0; r < prompts.Length; r++)
        {
            var expected = reference.PrefillLogitsOf(prompts[r]);
            var single = GenAiPrefill.LastLogits(folder, [prompts[r]])[0];
            worst = Math.Max(worst, Math.Max(OnnxPrefill.RelativeError(single, expected), OnnxPrefill.RelativeError(batched[r], expected)));
        }
        output.WriteLine($"{preset}: fp32 prefill logits through GenAI, {prompts.Length} prompts batched and one by one, max |ort - torchsharp| / max |torchsharp| = {worst:E2}");
        Assert.True(worst <= 1e-3, $"relative error {worst:E2}");
    }
}
