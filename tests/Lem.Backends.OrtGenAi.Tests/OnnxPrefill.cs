using Lem.Models.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>Runs a model lem wrote once through ONNX Runtime directly (no GenAI): the logits of one prompt.</summary>
public static class OnnxPrefill
{
    /// <summary>The fp32 logits of the prompt's last position, [vocab].</summary>
    public static float[] LastLogits(string folder, int[] prompt) => Logits(folder, prompt)[^1];

    /// <summary>The fp32 logits of every position of the prompt, [positions][vocab].</summary>
    public static float[][] Logits(string folder, int[] prompt)
    {
        var spec = DecoderSpec.Load(folder);
        var a = spec.Architecture;
        using var session = new InferenceSession(Path.Combine(folder, DecoderOnnxWriter.ModelFileName));
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(prompt.Select(t => (long)t).ToArray(), [1, prompt.Length])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, prompt.Length).ToArray(), [1, prompt.Length])),
        };
        for (int l = 0; l < a.NumLayers; l++)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(string.Format(DecoderOnnxWriter.PastKey, l), new DenseTensor<float>([1, a.NumKvHeads, 0, a.HeadDim])));
            inputs.Add(NamedOnnxValue.CreateFromTensor(string.Format(DecoderOnnxWriter.PastValue, l), new DenseTensor<float>([1, a.NumKvHeads, 0, a.HeadDim])));
        }
        using var results = session.Run(inputs, ["logits"]);
        var logits = results.First().AsTensor<float>();
        var all = new float[prompt.Length][];
        for (int p = 0; p < prompt.Length; p++)
        {
            all[p] = new float[a.VocabSize];
            for (int v = 0; v < a.VocabSize; v++)
                all[p][v] = logits[0, p, v];
        }
        return all;
    }

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeError(float[] actual, float[] expected)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return diff / scale;
    }
}
