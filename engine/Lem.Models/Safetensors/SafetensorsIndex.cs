using System.Text.Json;
using Lem.Engine.Inference;

namespace Lem.Models.Safetensors;

/// <summary><c>model.safetensors.index.json</c>: which shard holds which tensor.</summary>
public sealed record SafetensorsIndex(long TotalSizeBytes, IReadOnlyDictionary<string, string> WeightMap)
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>As transformers writes it: <c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c>.</summary>
    public string ToJson() => PythonJson.Dumps(new Dictionary<string, object?>
    {
        ["metadata"] = new Dictionary<string, object?> { ["total_size"] = TotalSizeBytes },
        ["weight_map"] = WeightMap.ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
    }) + "\n";

    public static SafetensorsIndex Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InferenceException($"{path}: no \"weight_map\" object. Remedy: the index is damaged; re-download or re-write the checkpoint.");
            var weights = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
                weights[p.Name] = p.Value.ValueKind == JsonValueKind.String
                    ? p.Value.GetString()!
                    : throw new InferenceException($"{path}: weight_map entry '{p.Name}' is not a file name. Remedy: the index is damaged; re-download or re-write the checkpoint.");
            long total = root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty("total_size", out var t) && t.TryGetInt64(out long n) ? n : 0;
            return new SafetensorsIndex(total, weights);
        }
        catch (JsonException e)
        {
            throw new InferenceException($"{path}: not valid JSON ({e.Message}). Remedy: the index is damaged; re-download or re-write the checkpoint.");
        }
    }
}
