using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Models.Safetensors;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Tests.Flops;

/// <summary>
/// The FLOPs the backend counts while it runs (traced) agree with the engine's formulas from config.json alone
/// (analytical) for every synthetic family, at several batch shapes, padding included.
/// </summary>
public sealed class TracedVsAnalyticalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lem-flops-").FullName;

    public static TheoryData<string, int, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var arch in new[] { "llama", "mistral", "qwen2", "qwen3", "gpt2" })
        {
            data.Add(arch, 1, 7, 5);    // batch 1, no padding
            data.Add(arch, 3, 12, 4);   // batch 3, mixed prompt lengths (left padding)
            data.Add(arch, 2, 30, 9);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Traced_flops_equal_the_analytical_formula_within_one_percent(string arch, int rows, int longestPrompt, int newTokens)
    {
        var folder = Path.Combine(_root, arch);
        if (!Directory.Exists(folder)) SyntheticModelWriter.Write(arch, "tiny", 0, folder);
        var backend = new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f));
        using var model = backend.Load(new ModelLoadRequest(folder, "fp32", "cpu"));

        // prompts of different lengths; the longest sets the padded length the model actually computes
        var prompts = Enumerable.Range(0, rows).Select(r => Enumerable.Range(10, longestPrompt - r * 2).ToArray()).ToArray();
        var generation = model.Generate(prompts, new GenerationSettings(newTokens, newTokens));

        var analytical = AnalyticalFlops.ForBatch(ArchitectureConfig.Parse(model.Info.ConfigJson), rows, longestPrompt, newTokens);
        var traced = generation.TracedFlops!;
        Assert.InRange(traced.PrefillFlops / analytical.PrefillFlops, 0.99, 1.01);
        Assert.InRange(traced.DecodeFlops / analytical.DecodeFlops, 0.99, 1.01);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
