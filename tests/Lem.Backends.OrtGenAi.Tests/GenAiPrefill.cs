using Lem.Backends.OrtGenAi.Backend;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Lem.Backends.OrtGenAi.Tests;

/// <summary>
/// Prefill logits through ONNX Runtime GenAI itself, the path the backend generates on: the prompts appended to one
/// generator as a batch (padded on the right with the folder's pad id, as the backend pads them), then
/// <c>Generator.GetOutput("logits")</c>, which holds each row's logits of its last real position ([rows, 1, vocab]).
/// </summary>
public static class GenAiPrefill
{
    public static float[][] LastLogits(string folder, IReadOnlyList<int[]> prompts)
    {
        var genai = GenAiFolder.Read(folder);
        int rows = prompts.Count, longest = prompts.Max(p => p.Length);
        var flat = new int[rows * longest];
        Array.Fill(flat, genai.PadTokenId);
        for (int r = 0; r < rows; r++)
            prompts[r].CopyTo(flat, r * longest);

        using var model = new Model(folder);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("batch_size", rows);
        parameters.SetSearchOption("max_length", longest + 1);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(flat);
        using var logits = generator.GetOutput("logits");
        var shape = logits.Shape();
        if (shape.Length != 3 || shape[0] != rows || shape[1] != 1 || shape[2] != genai.VocabSize)
            throw new InvalidOperationException($"GenAI's logits have shape [{string.Join(", ", shape)}], not [{rows}, 1, {genai.VocabSize}]");
        var data = logits.GetData<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r => data[(r * genai.VocabSize)..((r + 1) * genai.VocabSize)]).ToArray();
    }
}
