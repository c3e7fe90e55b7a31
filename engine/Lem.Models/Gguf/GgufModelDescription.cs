using Lem.Models.Safetensors;

namespace Lem.Models.Gguf;

/// <summary>
/// What a GGUF file says about its model, in the terms lem's results use: the architecture as a Hugging Face
/// config.json (the one lem wrote it from, or one built from the GGUF hyperparameters) so analytical FLOPs work, the
/// parameter count of the architecture, and the bytes its tensors take at their stored (possibly quantized) types.
/// </summary>
public sealed record GgufModelDescription(
    string GgufArchitecture,
    string Architecture,
    string ModelType,
    long ParameterCount,
    long TensorBytes,
    int ContextLength,
    int VocabSize,
    int? EosTokenId,
    uint? FileType,
    string ConfigJson)
{
    /// <summary>Storage bits per parameter over the whole file (norms and scales included).</summary>
    public double BitsPerWeight => ParameterCount == 0 ? 0 : 8.0 * TensorBytes / ParameterCount;

    /// <summary>
    /// The float type of a file whose matrices are all one float type, as lem names precisions (general.file_type 0 all
    /// F32 → fp32, 1 mostly F16 → fp16, 32 mostly BF16 → bf16); null for a quantized type, which has no single one.
    /// </summary>
    public string? FloatPrecision => FileType switch
    {
        GgufOutTypes.FileTypeAllF32 => "fp32",
        GgufOutTypes.FileTypeMostlyF16 => "fp16",
        GgufOutTypes.FileTypeMostlyBf16 => "bf16",
        _ => null,
    };

    private static readonly Dictionary<string, (string ModelType, string Architecture)> Families = new()
    {
        ["llama"] = ("llama", "LlamaForCausalLM"),
        ["qwen2"] = ("qwen2", "Qwen2ForCausalLM"),
        ["qwen3"] = ("qwen3", "Qwen3ForCausalLM"),
        ["gpt2"] = ("gpt2", "GPT2LMHeadModel"),
        ["mistral"] = ("mistral", "MistralForCausalLM"),
        ["gemma"] = ("gemma", "GemmaForCausalLM"),
        ["phi3"] = ("phi3", "Phi3ForCausalLM"),
    };

    public static GgufModelDescription Of(GgufFile file)
    {
        string arch = file["general.architecture"]?.AsString() ?? "unknown";
        long? Int(string key) => file[$"{arch}.{key}"] is { } v ? v.AsInteger() : null;
        double? Num(string key) => file[$"{arch}.{key}"] is { } v ? v.AsNumber() : null;

        int vocab = (int)(Int("vocab_size") ?? (file["tokenizer.ggml.tokens"]?.Value as Array)?.Length ?? file.Tensor("token_embd.weight")?.Dimensions.Last() ?? 0);
        int context = (int)(Int("context_length") ?? 0);
        int? eos = file["tokenizer.ggml.eos_token_id"] is { } e ? (int)e.AsInteger() : null;
        long parameters = file.Tensors.Where(t => t.Name != "rope_freqs.weight").Sum(t => t.ElementCount);
        var (modelType, architecture) = Families.GetValueOrDefault(arch, (arch, arch));

        string configJson;
        if (file[GgufModelWriter.SourceConfigKey] is { } source)
        {
            configJson = source.AsString();
            var parsed = GgufSourceConfig.Parse(configJson, file.Path);
            (modelType, architecture) = (parsed.ModelType, parsed.Architecture);
        }
        else
        {
            long hidden = Int("embedding_length") ?? 0, heads = Int("attention.head_count") ?? 1;
            var config = new Dictionary<string, object?>
            {
                ["architectures"] = new object?[] { architecture },
                ["model_type"] = modelType,
                ["hidden_size"] = hidden,
                ["num_hidden_layers"] = Int("block_count") ?? 0,
                ["num_attention_heads"] = heads,
                ["num_key_value_heads"] = Int("attention.head_count_kv") ?? heads,
                ["head_dim"] = Int("attention.key_length") ?? (heads == 0 ? 0 : hidden / heads),
                ["intermediate_size"] = Int("feed_forward_length") ?? 0,
                ["vocab_size"] = vocab,
                ["max_position_embeddings"] = context,
                ["rope_theta"] = Num("rope.freq_base") ?? 10000.0,
                ["rms_norm_eps"] = Num("attention.layer_norm_rms_epsilon") ?? 1e-6,
                ["tie_word_embeddings"] = file.Tensor("output.weight") is null,
                ["eos_token_id"] = eos,
                ["attention_bias"] = file.Tensor("blk.0.attn_q.bias") is not null,
            };
            configJson = PythonJson.Dumps(config) + "\n";
        }
        return new GgufModelDescription(arch, architecture, modelType, parameters, file.TensorBytes, context, vocab, eos,
            file["general.file_type"] is { } ft ? (uint)ft.AsInteger() : null, configJson);
    }
}
