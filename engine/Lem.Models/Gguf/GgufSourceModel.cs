using System.Text.Json;
using Lem.Engine.Inference;
using Lem.Models.Safetensors;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;

namespace Lem.Models.Gguf;

/// <summary>
/// A model to write as GGUF: its config.json, its checkpoint tensors by Hugging Face name and its vocabulary. Comes from
/// a synthetic preset (the same seeded tensors the safetensors writer writes) or from a Hugging Face folder. Disposing
/// closes the checkpoint files.
/// </summary>
public sealed class GgufSourceModel : IDisposable
{
    private readonly List<IDisposable> _open;

    public string Name { get; }
    public string ConfigJson { get; }
    public GgufSourceConfig Config { get; }
    public IReadOnlyList<GgufSourceTensor> Tensors { get; }
    public GgufVocabulary Vocabulary { get; }

    private GgufSourceModel(string name, string configJson, GgufSourceConfig config, IReadOnlyList<GgufSourceTensor> tensors, GgufVocabulary vocabulary, List<IDisposable> open)
    {
        Name = name;
        ConfigJson = configJson;
        Config = config;
        Tensors = tensors;
        Vocabulary = vocabulary;
        _open = open;
    }

    /// <summary>A synthetic preset's seeded tensors, exactly as <see cref="SyntheticModelWriter"/> writes them into safetensors.</summary>
    public static GgufSourceModel FromSynthetic(SyntheticPreset preset, long seed)
    {
        string configJson = PythonJson.Dumps(SyntheticConfig.Config(preset)) + "\n";
        var config = GgufSourceConfig.Parse(configJson, $"synthetic {preset.Spec}");
        string dtype = preset.DType == "float32" ? "F32" : "BF16";
        var type = dtype == "F32" ? GgufTensorType.F32 : GgufTensorType.BF16;
        var tensors = SyntheticLayout.Tensors(preset)
            .Select(s => new GgufSourceTensor(s.Name, s.Shape, type, stream => SyntheticWeights.Write(stream, s, dtype, seed)))
            .ToList();
        var vocabulary = GgufVocabulary.Gpt2(preset.VocabSize, preset.BosTokenId, preset.EosTokenIds[0]);
        return new GgufSourceModel($"synthetic {preset.Spec} seed {seed}", configJson, config, tensors, vocabulary, []);
    }

    /// <summary>A Hugging Face folder: config.json, model.safetensors or its shards, and a tokenizer lem can write as GGUF.</summary>
    /// <exception cref="InferenceException">A file is missing, a tensor is not F32/F16/BF16, or the tokenizer is not byte-level BPE.</exception>
    public static GgufSourceModel FromFolder(string folder)
    {
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
            throw new InferenceException($"{folder} has no config.json. Remedy: give a Hugging Face model folder (config.json, *.safetensors, tokenizer files).");
        string configJson = File.ReadAllText(configPath);
        var config = GgufSourceConfig.Parse(configJson, configPath);
        var open = new List<IDisposable>();
        try
        {
            var tensors = new List<GgufSourceTensor>();
            foreach (var file in OpenCheckpoint(folder))
            {
                open.Add(file);
                foreach (var entry in file.Entries)
                {
                    var type = entry.DType switch
                    {
                        "F32" => GgufTensorType.F32,
                        "F16" => GgufTensorType.F16,
                        "BF16" => GgufTensorType.BF16,
                        _ => throw new InferenceException($"{file.Path}: tensor '{entry.Name}' is {entry.DType}; lem writes F32, F16 and BF16 checkpoints as GGUF. Remedy: give an unquantized checkpoint."),
                    };
                    var f = file;
                    tensors.Add(new GgufSourceTensor(entry.Name, entry.Shape, type, stream => Copy(f, entry, stream)));
                }
            }
            return new GgufSourceModel(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), configJson, config, tensors, FolderVocabulary(folder, config), open);
        }
        catch
        {
            foreach (var f in open)
                f.Dispose();
            throw;
        }
    }

    private static List<SafetensorsFile> OpenCheckpoint(string folder)
    {
        string index = Path.Combine(folder, SafetensorsIndex.FileName);
        string single = Path.Combine(folder, SafetensorsCheckpointWriter.SingleFileName);
        if (File.Exists(index))
            return SafetensorsIndex.Read(index).WeightMap.Values.Distinct().Order(StringComparer.Ordinal)
                .Select(shard => SafetensorsFile.Open(Path.Combine(folder, shard))).ToList();
        if (File.Exists(single))
            return [SafetensorsFile.Open(single)];
        throw new InferenceException($"{folder} has no {SafetensorsCheckpointWriter.SingleFileName} or {SafetensorsIndex.FileName}. Remedy: give a Hugging Face folder with safetensors weights.");
    }

    private static void Copy(SafetensorsFile file, SafetensorsEntry entry, Stream destination)
    {
        var buffer = new byte[(int)Math.Min(entry.ByteLength, 1 << 24)];
        for (long done = 0; done < entry.ByteLength; done += buffer.Length)
        {
            int count = (int)Math.Min(buffer.Length, entry.ByteLength - done);
            file.Read(entry, buffer.AsSpan(0, count), done);
            destination.Write(buffer, 0, count);
        }
    }

    private static GgufVocabulary FolderVocabulary(string folder, GgufSourceConfig config)
    {
        string tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
        bool addBos = false;
        if (File.Exists(tokenizerConfig))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerConfig), new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.TryGetProperty(TokenizerLoader.MarkerKey, out var marker) && marker.GetString() == TokenizerLoader.Gpt2Tiktoken)
                return GgufVocabulary.Gpt2(config.VocabSize, config.BosTokenId, config.EosTokenIds.Length > 0 ? config.EosTokenIds[0] : null);
            addBos = root.TryGetProperty("add_bos_token", out var add) && add.ValueKind == JsonValueKind.True;
        }
        string tokenizerJson = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(tokenizerJson))
            // Llama 3 adds its BOS through the post-processor, not add_bos_token
            return GgufVocabulary.FromTokenizerJson(tokenizerJson, config, addBos || (config.GgufArchitecture == "llama" && config.VocabSize >= 128000));
        throw new InferenceException($"{folder} has no tokenizer lem can write as GGUF (it writes byte-level BPE tokenizer.json and lem's synthetic GPT-2 tokenizer; SentencePiece tokenizer.model is not). Remedy: convert the model with llama.cpp's convert_hf_to_gguf.py and give the .gguf file.");
    }

    /// <summary>The same model with another vocabulary (its special ids, say); the checkpoint stays open in both.</summary>
    public GgufSourceModel WithVocabulary(GgufVocabulary vocabulary) => new(Name, ConfigJson, Config, Tensors, vocabulary, []);

    public void Dispose()
    {
        foreach (var f in _open)
            f.Dispose();
    }
}
