using Lem.Backends.TorchSharp.Backend;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Inference;
using Lem.Models.Tokenization;

namespace Lem.Backends.LlamaCpp.Tests;

/// <summary>The reference engine: TorchSharp fp32 on the CPU, loading the safetensors folder.</summary>
internal static class TorchSharpReference
{
    public static TorchSharpModel Load(string folder) =>
        new TorchSharpBackend(f => SafetensorsWeightSource.Open(f), f => TokenizerLoader.Load(f)).Load(new ModelLoadRequest(folder, "fp32", "cpu"));

    /// <summary>Largest absolute difference over the largest absolute reference logit.</summary>
    public static double RelativeError(float[] reference, float[] other)
    {
        double worst = 0, scale = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(reference[i] - other[i]));
            scale = Math.Max(scale, Math.Abs(reference[i]));
        }
        return worst / scale;
    }

    public static int[][] Prompts(int seed, params int[] lengths)
    {
        var random = new Random(seed);
        return lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(0, TokenizerLoader.Gpt2EndOfText)).ToArray()).ToArray();
    }
}
