using System.Text.Json;
using System.Text.Json.Nodes;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;
using Lem.Models.Gguf;
using Lem.Models.Safetensors;

namespace Lem.Backends.Server.Client;

/// <summary>
/// What lem can know about a served model: from its config.json and safetensors headers where the model is a local
/// Hugging Face folder (what the server loads), from the file's own metadata where it is a local GGUF file (lem's GGUF
/// reader, as the llama.cpp backend reads it), from llama-server's <c>/v1/models</c> metadata for other GGUF models, and
/// otherwise only its name (architecture "unknown", counts 0: FLOPs are then unavailable, and the record says so).
/// </summary>
public static class ServerModelInfo
{
    public const string Unknown = "unknown";

    /// <param name="gguf">The model's GGUF description where the caller has read it (<see cref="Gguf"/>); read here otherwise.</param>
    public static ModelInfo Build(string model, string precision, string device, JsonNode? modelsAnswer, GgufModelDescription? gguf = null)
    {
        if (Directory.Exists(model) && File.Exists(Path.Combine(model, "config.json"))) return FromFolder(model, precision, device);
        if ((gguf ?? Gguf(model)) is { } description) return FromGguf(model, description, precision, device);
        var meta = ListedModel(modelsAnswer, model)?["meta"];
        return new ModelInfo(model, Unknown, Unknown,
            Long(meta?["n_params"]) ?? 0, Long(meta?["size"]) ?? 0, precision, device,
            (int)(Long(meta?["n_ctx_train"]) ?? 0), (int)(Long(meta?["n_vocab"]) ?? 0), null, "{}");
    }

    /// <summary>The vocabulary size where lem knows it, else null.</summary>
    public static int? VocabSize(ModelInfo info) => info.VocabSize > 0 ? info.VocabSize : null;

    /// <summary>The description of <paramref name="model"/> where it is a GGUF file, else null.</summary>
    public static GgufModelDescription? Gguf(string model) =>
        File.Exists(model) && model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? GgufModelDescription.Of(GgufFile.Open(model)) : null;

    private static ModelInfo FromGguf(string path, GgufModelDescription description, string precision, string device)
    {
        return new ModelInfo(path, description.Architecture, description.ModelType, description.ParameterCount, description.TensorBytes,
            precision, device, description.ContextLength, description.VocabSize, description.EosTokenId, description.ConfigJson);
    }

    private static ModelInfo FromFolder(string folder, string precision, string device)
    {
        var configJson = File.ReadAllText(Path.Combine(folder, "config.json"));
        var config = JsonNode.Parse(configJson) as JsonObject ?? new JsonObject();
        long parameters = 0, bytes = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.safetensors"))
        {
            using var st = SafetensorsFile.Open(file);
            foreach (var entry in st.Entries)
            {
                parameters += entry.ElementCount;
                bytes += entry.ByteLength;
            }
        }
        // vocabulary, EOS and context through the engine's config.json reader, for a model of any family
        var tokens = ConfigTokens.Parse(configJson, Path.Combine(folder, "config.json"));
        return new ModelInfo(folder,
            (config["architectures"] as JsonArray)?.FirstOrDefault()?.GetValue<string>() ?? Unknown,
            Text(config["model_type"]) ?? Unknown,
            parameters, bytes, precision, device,
            tokens.MaxPositionEmbeddings ?? 0,
            tokens.VocabSize ?? 0,
            tokens.EosTokenIds.Count > 0 ? tokens.EosTokenIds[0] : null,
            configJson);
    }

    /// <summary>The entry of <c>/v1/models</c> whose id is <paramref name="model"/>, or null.</summary>
    public static JsonObject? ListedModel(JsonNode? modelsAnswer, string model) =>
        (modelsAnswer?["data"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(m => Text(m["id"]) == model);

    /// <summary>The ids <c>/v1/models</c> lists.</summary>
    public static IReadOnlyList<string> ListedIds(JsonNode? modelsAnswer) =>
        (modelsAnswer?["data"] as JsonArray)?.OfType<JsonObject>().Select(m => Text(m["id"])).OfType<string>().ToArray() ?? [];

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Long(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)v.GetValue<double>() : null;
}
