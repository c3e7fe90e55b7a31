using System.Text.Json;
using System.Text.Json.Nodes;
using Lem.Models.Tokenization;

namespace Lem.Models.Onnx;

/// <summary>What lem records about a folder it wrote (<see cref="OrtGenAiFolderWriter.MetadataFileName"/>).</summary>
public sealed record OrtGenAiFolderInfo(string Quantization, int? Int4BlockSize, int? Int4AccuracyLevel, long WeightBytes, long ParameterCount, IReadOnlyList<string> Operators, string Source);

/// <summary>
/// Converts a Hugging Face folder (Llama, Mistral, Qwen2, Qwen3; safetensors) into an ONNX Runtime GenAI folder:
/// model.onnx + model.onnx.data (<see cref="DecoderOnnxWriter"/>), genai_config.json, tokenizer files, the source's
/// config.json and generation_config.json (for FLOPs and provenance) and lem_ortgenai.json (what was written).
/// </summary>
public static class OrtGenAiFolderWriter
{
    /// <summary>Changes whenever the bytes written for a given source and format change; part of cache folder names.</summary>
    public const int WriterVersion = 3;
    public const string MetadataFileName = "lem_ortgenai.json";

    public static OrtGenAiFolderInfo Write(string hfFolder, OnnxWeightFormat format, string outFolder)
    {
        var spec = DecoderSpec.Load(hfFolder);
        Directory.CreateDirectory(outFolder);
        OnnxModelSummary summary;
        using (var weights = CheckpointTensors.Open(hfFolder))
            summary = DecoderOnnxWriter.Write(spec, weights, format, outFolder, $"lem ortgenai writer v{WriterVersion}");

        File.WriteAllText(Path.Combine(outFolder, GenAiConfigJson.FileName), GenAiConfigJson.Build(spec, PadTokenId(spec, hfFolder)));
        foreach (var name in new[] { "config.json", "generation_config.json" })
            if (File.Exists(Path.Combine(hfFolder, name)))
                File.Copy(Path.Combine(hfFolder, name), Path.Combine(outFolder, name), overwrite: true);
        GenAiTokenizerFiles.Write(hfFolder, outFolder);

        var info = new OrtGenAiFolderInfo(format.Name, format.Int4 ? format.Int4BlockSize : null, format.Int4 ? format.Int4AccuracyLevel : null,
            summary.WeightBytes, summary.ParameterCount, summary.Operators, Path.GetFullPath(hfFolder));
        File.WriteAllText(Path.Combine(outFolder, MetadataFileName), JsonSerializer.Serialize(new JsonObject
        {
            ["writer_version"] = WriterVersion,
            ["quantization"] = info.Quantization,
            ["int4_block_size"] = info.Int4BlockSize,
            ["int4_accuracy_level"] = info.Int4AccuracyLevel,
            ["weight_bytes"] = info.WeightBytes,
            ["parameter_count"] = info.ParameterCount,
            ["operators"] = new JsonArray(info.Operators.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
            ["source"] = info.Source,
        }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return info;
    }

    /// <summary>What lem wrote into <paramref name="folder"/>, or null where lem did not write it.</summary>
    public static OrtGenAiFolderInfo? ReadInfo(string folder)
    {
        string path = Path.Combine(folder, MetadataFileName);
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        int? OptionalInt(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        return new OrtGenAiFolderInfo(
            r.GetProperty("quantization").GetString()!, OptionalInt("int4_block_size"), OptionalInt("int4_accuracy_level"),
            r.GetProperty("weight_bytes").GetInt64(), r.GetProperty("parameter_count").GetInt64(),
            r.GetProperty("operators").EnumerateArray().Select(o => o.GetString()!).ToList(), r.GetProperty("source").GetString()!);
    }

    /// <summary>
    /// GenAI pads batch rows on the right with pad_token_id and finds each row's length by it, so the pad id must be one
    /// no prompt ends with: config.json's pad_token_id where given; else, where the model's vocabulary is larger than its
    /// tokenizer's (synthetic models), the last id, which text never produces; else the first EOS id.
    /// </summary>
    private static int PadTokenId(DecoderSpec spec, string hfFolder)
    {
        if (spec.PadTokenId is int pad) return pad;
        int vocab = spec.Architecture.VocabSize;
        int tokenizerVocab = TokenizerLoader.Load(hfFolder).VocabSize;
        if (tokenizerVocab < vocab) return vocab - 1;
        return spec.EosTokenIds.Count > 0 ? spec.EosTokenIds[0] : vocab - 1;
    }
}
