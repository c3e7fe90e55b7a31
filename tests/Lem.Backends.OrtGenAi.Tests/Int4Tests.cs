using Lem.Engine.Inference;
using Xunit.Abstractions;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>
/// int4 block-quantized weights (MatMulNBits) against the fp32 graph of the same synthetic weights. The 80% applies to
/// tokens kept teacher-forced, for every preset: at each of 32 steps of the fp32 greedy sequence, does the int4 model
/// predict the same next token from the same context? Free-running, one early disagreement changes every later token;
/// the tiny random models mostly have near-flat logits, so the free-running count says when the first near-tie flips,
/// and it is asserted only where the logits are peaked enough for it to mean agreement (qwen2:tiny, 96/96 measured).
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class Int4Tests(TinyModels models, ITestOutputHelper output)
{
    public static TheoryData<string> Presets => new(TinyModels.Presets);

    /// <summary>The presets whose fp32 logits are peaked enough that free-running agreement measures int4, not a near-tie.</summary>
    private static readonly string[] FreeRunningIsMeaningful = ["qwen2:tiny"];

    [Theory]
    [MemberData(nameof(Presets))]
    public void Int4_keeps_at_least_80_percent_of_greedy_tokens_over_32_steps(string preset)
    {
        const int steps = 32;
        var fp32 = models.Ort(preset);
        var int4 = models.Ort(preset, "int4");
        string int4Folder = models.OrtFolder(preset, "int4"), fp32Folder = models.OrtFolder(preset, "fp32");
        var prompts = TinyModels.Prompts(fp32.Tokenizer);
        var settings = new GenerationSettings(MaxNewTokens: steps);
        var expected = fp32.Generate(prompts, settings).OutputTokenIds;
        var freeRunning = int4.Generate(prompts, settings).OutputTokenIds;

        int kept = 0, same = 0, total = 0;
        double worstError = 0;
        for (int r = 0; r < prompts.Length; r++)
        {
            var sequence = prompts[r].Concat(expected[r]).ToArray();
            var quantized = OnnxPrefill.PrefixLogits(int4Folder, sequence, steps);
            var reference = OnnxPrefill.PrefixLogits(fp32Folder, sequence, steps);
            for (int i = 0; i < steps; i++, total++)
            {
                var row = quantized[i];
                if (Array.IndexOf(row, row.Max()) == expected[r][i]) kept++;
                if (freeRunning[r][i] == expected[r][i]) same++;
                worstError = Math.Max(worstError, OnnxPrefill.RelativeError(row, reference[i]));
            }
        }
        double share = (double)kept / total;
        output.WriteLine($"{preset}: int4 kept {kept}/{total} greedy tokens teacher-forced ({share:P1}), {same}/{total} free-running; " +
                         $"logits max |int4 - fp32| / max |fp32| = {worstError:E2} (worst position); stored weights int4 {int4.Info.WeightBytes} B, fp32 {fp32.Info.WeightBytes} B");
        Assert.True(share >= 0.8, $"int4 kept {share:P1} of the greedy tokens teacher-forced");
        if (FreeRunningIsMeaningful.Contains(preset))
            Assert.True(same >= 0.8 * total, $"int4 kept {same}/{total} of the greedy tokens free-running");
        Assert.True(int4.Info.WeightBytes < fp32.Info.WeightBytes);
    }
}
