using Lem.Models.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>
/// Runs a model lem wrote through ONNX Runtime directly (no GenAI): the logits of one prompt, or of many prefixes of
/// one sequence in one session (the int4 tests' teacher-forced counts, 96 prefixes per model). The parity tests go
/// through GenAI itself (<see cref="GenAiPrefill"/>).
/// </summary>
public static class OnnxPrefill
{
    /// <summary>The fp32 logits of the prompt's last position, [vocab] (the graph outputs only that position).</summary>
    public static float[] LastLogits(string folder, int[] prompt)
    {
        using var session = new InferenceSession(Path.Combine(folder, DecoderOnnxWriter.ModelFileName));
        return LastLogits(session, DecoderSpec.Load(folder), prompt);
    }

    /// <summary>Teacher-forced logits: for each of the last <paramref name="steps"/> + 1 prefixes of <paramref name="sequence"/>
    /// (the shortest being <c>sequence.Length − steps</c> tokens), the logits of its last position.</summary>
    public static float[][] PrefixLogits(string folder, int[] sequence, int steps)
    {
        using var session = new InferenceSession(Path.Combine(folder, DecoderOnnxWriter.ModelFileName));
        var spec = DecoderSpec.Load(folder);
        return Enumerable.Range(0, steps).Select(i => LastLogits(session, spec, sequence[..(sequence.Length - steps + i)])).ToArray();
    }

    private static float[] LastLogits(InferenceSession session, DecoderSpec spec, int[] prompt)
    {
        var a = spec.Architecture;
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
        var last = new float[a.VocabSize];
        for (int v = 0; v < a.VocabSize; v++)
            last[v] = logits[0, 0, v];
        return last;
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
