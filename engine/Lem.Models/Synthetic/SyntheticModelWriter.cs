using Lem.Models.Safetensors;
using Lem.Models.Tokenization;

namespace Lem.Models.Synthetic;

/// <summary>
/// Writes a synthetic model as a Hugging Face folder: config.json, generation_config.json, tokenizer_config.json,
/// GPT-2 vocab.json and merges.txt,
/// and model.safetensors (or shards with model.safetensors.index.json above the shard size). Weights are
/// seeded and deterministic; see <see cref="SyntheticWeights"/>. Uses no libtorch, so it works where libtorch cannot load.
/// </summary>
public static class SyntheticModelWriter
{
    /// <summary>Changes whenever the bytes written for a given (preset, seed) change; part of the cache folder name.</summary>
    public const int WriterVersion = 1;

    /// <summary>Writes preset <paramref name="preset"/> of family <paramref name="arch"/> into <paramref name="outDir"/> (created if needed).</summary>
    public static SyntheticModelSummary Write(string arch, string preset, long seed, string outDir, long maxShardBytes = SafetensorsCheckpointWriter.DefaultMaxShardBytes) =>
        Write(SyntheticPresets.Get(arch, preset), seed, outDir, maxShardBytes);

    public static SyntheticModelSummary Write(SyntheticPreset preset, long seed, string outDir, long maxShardBytes = SafetensorsCheckpointWriter.DefaultMaxShardBytes)
    {
        Directory.CreateDirectory(outDir);
        string dtype = preset.DType == "float32" ? "F32" : "BF16";
        var specs = SyntheticLayout.Tensors(preset);
        var tensors = specs
            .Select(s => new SafetensorsTensor(s.Name, dtype, s.Shape, stream => SyntheticWeights.Write(stream, s, dtype, seed)))
            .ToList();

        var files = new List<string>();
        files.AddRange(SafetensorsCheckpointWriter.Write(outDir, tensors, SafetensorsCheckpointWriter.PtMetadata, maxShardBytes));
        WriteJson(outDir, "config.json", SyntheticConfig.Config(preset), files);
        WriteJson(outDir, "generation_config.json", SyntheticConfig.GenerationConfig(preset), files);
        WriteJson(outDir, "tokenizer_config.json", SyntheticConfig.TokenizerConfig(preset), files);
        // For Python transformers (GPT2Tokenizer); lem itself uses the tokenizer_config.json marker.
        files.AddRange(Gpt2VocabFiles.WriteTo(outDir));

        long parameters = specs.Sum(s => s.ElementCount);
        return new SyntheticModelSummary(preset, seed, Path.GetFullPath(outDir), parameters, tensors.Sum(t => t.ByteLength), files);
    }

    /// <summary>Parameter count of a preset without writing it.</summary>
    public static long ParameterCount(SyntheticPreset preset) => SyntheticLayout.Tensors(preset).Sum(s => s.ElementCount);

    private static void WriteJson(string folder, string name, Dictionary<string, object?> value, List<string> files)
    {
        File.WriteAllText(Path.Combine(folder, name), PythonJson.Dumps(value) + "\n");
        files.Add(name);
    }
}
