using System.Text.Json;
using Lem.Engine.Inference;

namespace Lem.Backends.OrtGenAi.Backend;

/// <summary>The parts of an ONNX Runtime GenAI folder's genai_config.json that lem checks and reports.</summary>
public sealed record GenAiFolder(string Folder, string ModelType, int VocabSize, int ContextLength, int PadTokenId, IReadOnlyList<int> EosTokenIds)
{
    public const string ConfigFileName = "genai_config.json";

    public static bool IsGenAiFolder(string folder) => File.Exists(Path.Combine(folder, ConfigFileName));

    /// <exception cref="InferenceException">genai_config.json is missing or lacks a field GenAI needs.</exception>
    public static GenAiFolder Read(string folder)
    {
        string path = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(path))
            throw new InferenceException($"{path} does not exist. Remedy: give an ONNX Runtime GenAI folder (genai_config.json, the ONNX model, tokenizer files), a Hugging Face folder or synthetic(\"...\").");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!doc.RootElement.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw new InferenceException($"{path}: no \"model\" object. Remedy: re-write the folder (lem model convert --to ortgenai).");
            int Int(string name) => model.TryGetProperty(name, out var v) && v.TryGetInt32(out int i) ? i
                : throw new InferenceException($"{path}: model.{name} is missing or not an integer. Remedy: re-write the folder (lem model convert --to ortgenai).");
            var eos = model.TryGetProperty("eos_token_id", out var e)
                ? e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetInt32()).ToArray() : [e.GetInt32()]
                : Array.Empty<int>();
            string type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            return new GenAiFolder(folder, type, Int("vocab_size"), Int("context_length"), Int("pad_token_id"), eos);
        }
        catch (JsonException ex)
        {
            throw new InferenceException($"{path}: not valid JSON ({ex.Message}). Remedy: re-write the folder (lem model convert --to ortgenai).", ex);
        }
    }
}
