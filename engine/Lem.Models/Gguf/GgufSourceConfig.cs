using System.Text.Json;
using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;

namespace Lem.Models.Gguf;

/// <summary>
/// What a GGUF writer needs from a Hugging Face config.json: the family and the shapes, norms and rope of a
/// Llama-family decoder (llama, mistral, qwen2, qwen3).
/// </summary>
/// <param name="RopeScalingType">null (none), <c>linear</c> or <c>llama3</c>.</param>
public sealed record GgufSourceConfig(
    string ModelType,
    string Architecture,
    int HiddenSize,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int IntermediateSize,
    int VocabSize,
    int MaxPositionEmbeddings,
    double RopeTheta,
    double NormEps,
    bool TieWordEmbeddings,
    int? BosTokenId,
    int[] EosTokenIds,
    string? RopeScalingType = null,
    double RopeScalingFactor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositionEmbeddings = 8192)
{
    /// <summary>The Hugging Face model types lem writes as GGUF.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "qwen3"];

    /// <summary>llama.cpp's architecture name: Mistral is written as llama, as llama.cpp's own converter does.</summary>
    public string GgufArchitecture => ModelType is "mistral" ? "llama" : ModelType;

    /// <summary>
    /// The shapes (widths, heads, head_dim with each family's default, layers, vocabulary, context, tied embeddings) come
    /// from <see cref="ArchitectureConfig"/>, the engine's one config.json reader (BOS and EOS ids too), so the GGUF
    /// written and the FLOPs/MBU counted agree; norms and rope are read here.
    /// </summary>
    /// <exception cref="InferenceException">Not JSON, an unsupported model type, or a missing key; the message names the file.</exception>
    public static GgufSourceConfig Parse(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InferenceException($"{path}: not valid JSON ({e.Message}). Remedy: restore the model's config.json.");
        }
        using (document)
        {
            var r = document.RootElement;
            string modelType = Str(r, "model_type") ?? throw Missing(path, "model_type");
            if (!SupportedModelTypes.Contains(modelType))
                throw new InferenceException($"{path}: model_type \"{modelType}\" is not written as GGUF by lem (it writes {string.Join(", ", SupportedModelTypes)}). Remedy: convert it with llama.cpp's convert_hf_to_gguf.py and give the .gguf file.");
            ArchitectureConfig shape;
            try
            {
                shape = ArchitectureConfig.Parse(json, path);
            }
            catch (FlopsInputException e)
            {
                throw new InferenceException(e.Message + " Remedy: restore the model's config.json.", e);
            }
            string? scalingType = null;
            double factor = 1, low = 1, high = 4;
            int originalMax = 8192;
            if (r.TryGetProperty("rope_scaling", out var s) && s.ValueKind == JsonValueKind.Object)
            {
                scalingType = Str(s, "rope_type") ?? Str(s, "type");
                if (scalingType == "default")
                    scalingType = null;
                if (scalingType is not (null or "linear" or "llama3"))
                    throw new InferenceException($"{path}: rope_scaling type \"{scalingType}\" is not written as GGUF by lem (it writes linear and llama3). Remedy: convert it with llama.cpp's convert_hf_to_gguf.py.");
                factor = Num(s, "factor") ?? 1;
                low = Num(s, "low_freq_factor") ?? 1;
                high = Num(s, "high_freq_factor") ?? 4;
                originalMax = Int(s, "original_max_position_embeddings") ?? 8192;
            }
            string architecture = r.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
                ? a[0].GetString() ?? modelType : modelType;
            return new GgufSourceConfig(
                modelType, architecture, shape.HiddenSize, shape.NumLayers, shape.NumHeads, shape.NumKvHeads, shape.HeadDim,
                shape.IntermediateSize, shape.VocabSize,
                shape.MaxPositionEmbeddings > 0 ? shape.MaxPositionEmbeddings : 2048,
                Num(r, "rope_theta") ?? 10000.0,
                Num(r, "rms_norm_eps") ?? 1e-6,
                shape.TieWordEmbeddings,
                shape.Tokens.BosTokenId,
                shape.Tokens.EosTokenIds.ToArray(),
                scalingType, factor, low, high, originalMax);
        }
    }

    private static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    private static double? Num(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static InferenceException Missing(string path, string key) =>
        new($"{path}: key \"{key}\" is missing. Remedy: restore the model's config.json.");
}
