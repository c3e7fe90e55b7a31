using System.Text.Json;
using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;

namespace Lem.Models.Onnx;

/// <summary>Rotary position embedding of a Hugging Face config: theta and the scaling type (<c>default</c>, <c>linear</c>, <c>llama3</c>).</summary>
public sealed record RotarySpec(
    double Theta,
    string Type = "default",
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositionEmbeddings = 8192);

/// <summary>
/// What the ONNX writer needs of a decoder-only model's config.json (and generation_config.json): the shape from
/// <see cref="ArchitectureConfig"/> (the engine's one config reader) plus norm epsilon, rotary embedding, special ids
/// and the sliding window. Llama, Mistral, Qwen2 and Qwen3 families.
/// </summary>
public sealed record DecoderSpec(
    ArchitectureConfig Architecture,
    string ArchitectureName,
    double NormEps,
    RotarySpec Rotary,
    int? BosTokenId,
    IReadOnlyList<int> EosTokenIds,
    int? PadTokenId,
    int? SlidingWindow,
    string ConfigJson)
{
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "qwen3"];

    /// <exception cref="InferenceException">config.json is missing, malformed, or of a family the writer does not build.</exception>
    public static DecoderSpec Load(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
            throw new InferenceException($"{path} does not exist. Remedy: give a Hugging Face model folder (config.json and *.safetensors).");
        string json = File.ReadAllText(path);
        var spec = Parse(json, path);
        string generation = Path.Combine(folder, "generation_config.json");
        if (!File.Exists(generation))
            return spec;
        using var doc = ParseJson(File.ReadAllText(generation), generation);
        var extra = ConfigTokens.Of(doc.RootElement).EosTokenIds;
        return spec with { EosTokenIds = spec.EosTokenIds.Concat(extra).Distinct().ToArray() };
    }

    public static DecoderSpec Parse(string json, string source)
    {
        ArchitectureConfig architecture;
        try
        {
            architecture = ArchitectureConfig.Parse(json, source);
        }
        catch (FlopsInputException e)
        {
            throw new InferenceException(e.Message + " Remedy: give the config.json of a Llama, Mistral, Qwen2 or Qwen3 model.", e);
        }
        if (!SupportedModelTypes.Contains(architecture.ModelType))
            throw new InferenceException($"{source}: model_type \"{architecture.ModelType}\" is not one the ONNX writer builds (supported: {string.Join(", ", SupportedModelTypes)}). Remedy: use the torchsharp backend for it.");
        if (architecture.MaxPositionEmbeddings <= 0)
            throw new InferenceException($"{source}: max_position_embeddings is missing; the ONNX model needs it for its rotary tables and context length. Remedy: add it to config.json.");
        if (architecture.HeadDim % 2 != 0)
            throw new InferenceException($"{source}: head_dim {architecture.HeadDim} is odd; rotary embeddings need an even head dimension.");

        using var doc = ParseJson(json, source);
        var root = doc.RootElement;
        string act = Str(root, "hidden_act") ?? "silu";
        if (act != "silu")
            throw new InferenceException($"{source}: hidden_act is \"{act}\"; the ONNX writer builds SiLU MLPs only. Remedy: use the torchsharp backend for this model.");
        if (architecture.OutputBias || architecture.MlpBias)
            throw new InferenceException($"{source}: attention_bias/mlp_bias on the output or MLP projections is not built by the ONNX writer. Remedy: use the torchsharp backend for this model.");

        int? window = architecture.ModelType switch
        {
            "mistral" => Int(root, "sliding_window"),
            "qwen2" when Bool(root, "use_sliding_window") => Int(root, "sliding_window"),
            _ => null,
        };
        return new DecoderSpec(
            architecture,
            root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0 && a[0].ValueKind == JsonValueKind.String
                ? a[0].GetString()! : architecture.ModelType,
            NormEps: Double(root, "rms_norm_eps") ?? 1e-6,
            Rotary: ReadRotary(root, source),
            BosTokenId: architecture.Tokens.BosTokenId,
            EosTokenIds: architecture.Tokens.EosTokenIds,
            PadTokenId: Int(root, "pad_token_id"),
            SlidingWindow: window,
            ConfigJson: json);
    }

    private static RotarySpec ReadRotary(JsonElement root, string source)
    {
        // transformers 5 writes rope_parameters (theta inside), 4.x rope_theta and rope_scaling
        JsonElement? parameters = root.TryGetProperty("rope_parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : null;
        JsonElement? scaling = parameters ?? (root.TryGetProperty("rope_scaling", out var s) && s.ValueKind == JsonValueKind.Object ? s : null);
        double theta = (parameters is { } pp ? Double(pp, "rope_theta") : null) ?? Double(root, "rope_theta") ?? 10000.0;
        if (theta <= 0)
            throw new InferenceException($"{source}: rope_theta is {theta}; it must be positive.");
        if (scaling is not { } sc)
            return new RotarySpec(theta);
        string type = Str(sc, "rope_type") ?? Str(sc, "type") ?? "default";
        return type switch
        {
            "default" => new RotarySpec(theta),
            "linear" => new RotarySpec(theta, "linear", Factor: Double(sc, "factor") ?? 1.0),
            "llama3" => new RotarySpec(theta, "llama3", Double(sc, "factor") ?? 1.0, Double(sc, "low_freq_factor") ?? 1.0,
                Double(sc, "high_freq_factor") ?? 4.0, Int(sc, "original_max_position_embeddings") ?? 8192),
            _ => throw new InferenceException($"{source}: rope_type \"{type}\" is not built by the ONNX writer (default, linear, llama3). Remedy: use the torchsharp backend for this model."),
        };
    }

    private static JsonDocument ParseJson(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InferenceException($"{source}: not valid JSON ({e.Message}). Remedy: re-download or re-write the file.", e);
        }
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    private static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;
    private static double? Double(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
