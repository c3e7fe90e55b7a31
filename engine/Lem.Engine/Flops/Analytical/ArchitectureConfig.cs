using System.Text.Json;

namespace Lem.Engine.Flops.Analytical;

/// <summary>
/// The fields of a Hugging Face config.json that FLOPs and parameter counts depend on, with each family's defaults
/// applied the way transformers applies them when a key is absent.
/// </summary>
/// <param name="HeadDim">Per-head width: config "head_dim" where given (Qwen3 always), else hidden_size / num_attention_heads.</param>
/// <param name="NumKvHeads">Key/value heads (grouped-query attention); equals <paramref name="NumHeads"/> when absent.</param>
/// <param name="IntermediateSize">MLP width; GPT-2: n_inner, or 4 × n_embd when null.</param>
/// <param name="QkvBias">q, k and v projections carry a bias (Qwen2 always; Llama/Qwen3 when attention_bias; GPT-2 c_attn).</param>
/// <param name="OutputBias">The attention output projection carries a bias (Llama/Qwen3 when attention_bias; GPT-2 c_proj).</param>
/// <param name="MlpBias">MLP projections carry biases (Llama when mlp_bias; GPT-2 always).</param>
/// <param name="QkNorm">RMSNorm over each query and key head (Qwen3).</param>
/// <param name="LearnedPositions">Rows of a learned position-embedding table (GPT-2 n_positions); 0 for rotary families.</param>
/// <param name="MaxPositionEmbeddings">Longest context the model was configured for.</param>
public sealed record ArchitectureConfig(
    string ModelType,
    ModelFamily Family,
    int HiddenSize,
    int NumLayers,
    int NumHeads,
    int NumKvHeads,
    int HeadDim,
    int IntermediateSize,
    int VocabSize,
    bool TieWordEmbeddings,
    bool QkvBias,
    bool OutputBias,
    bool MlpBias,
    bool QkNorm,
    int LearnedPositions,
    int MaxPositionEmbeddings)
{
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "qwen3", "gpt2"];

    /// <summary>Width of the concatenated query heads, num_attention_heads × head_dim.</summary>
    public int QueryWidth => NumHeads * HeadDim;

    /// <summary>Width of the concatenated key (or value) heads, num_key_value_heads × head_dim.</summary>
    public int KvWidth => NumKvHeads * HeadDim;

    /// <summary>The BOS and EOS ids (and the vocabulary and context as written), read by the same reader.</summary>
    public ConfigTokens Tokens { get; init; } = ConfigTokens.None;

    /// <summary>Llama, Mistral and the Qwen families use a gated MLP (gate, up, down); GPT-2 uses two projections.</summary>
    public bool GatedMlp => Family != ModelFamily.Gpt2;

    /// <summary>Reads a config.json file. A folder is accepted and its config.json read.</summary>
    public static ArchitectureConfig Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        if (!File.Exists(file))
            throw new FlopsInputException($"{file}: file not found; pass a model folder that holds config.json, or the config.json itself.");
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FlopsInputException($"{file}: cannot be read ({e.Message}); check the path and its permissions.", e);
        }
        return Parse(text, file);
    }

    /// <summary>Parses config.json text; <paramref name="source"/> names it in messages (a path, or "config.json").</summary>
    public static ArchitectureConfig Parse(string json, string source = "config.json")
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e)
        {
            throw new FlopsInputException($"{source}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message}); a Hugging Face config.json is expected.", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FlopsInputException($"{source}: the top level is not a JSON object; a Hugging Face config.json is expected.");
            var reader = new Reader(root, source);
            var modelType = reader.String("model_type")
                ?? throw new FlopsInputException($"{source}: \"model_type\" is missing; FLOPs need to know the architecture (one of {string.Join(", ", SupportedModelTypes)}).");
            var config = modelType switch
            {
                "llama" => RotaryFamily(reader, modelType, ModelFamily.Llama),
                "mistral" => RotaryFamily(reader, modelType, ModelFamily.Mistral),
                "qwen2" => RotaryFamily(reader, modelType, ModelFamily.Qwen2),
                "qwen3" => RotaryFamily(reader, modelType, ModelFamily.Qwen3),
                "gpt2" => Gpt2(reader),
                _ => throw new FlopsInputException(
                    $"{source}: model_type \"{modelType}\" has no analytical FLOPs formula (supported: {string.Join(", ", SupportedModelTypes)}); " +
                    "FLOPs fall back to the traced or parameter-based estimate."),
            };
            return config with { Tokens = ConfigTokens.Of(root) };
        }
    }

    private static ArchitectureConfig RotaryFamily(Reader r, string modelType, ModelFamily family)
    {
        var hidden = r.PositiveInt("hidden_size");
        var heads = r.PositiveInt("num_attention_heads");
        var kvHeads = r.OptionalPositiveInt("num_key_value_heads") ?? heads;
        // Qwen3Config defaults head_dim to 128; the other families derive it.
        var headDim = r.OptionalPositiveInt("head_dim") ?? (family == ModelFamily.Qwen3 ? 128 : r.Divide(hidden, heads, "hidden_size", "num_attention_heads"));
        if (heads % kvHeads != 0)
            throw new FlopsInputException($"{r.Source}: num_attention_heads ({heads}) is not a multiple of num_key_value_heads ({kvHeads}); grouped-query attention needs it to be.");
        var attentionBias = r.Bool("attention_bias", false);
        var (qkvBias, outputBias, mlpBias) = family switch
        {
            ModelFamily.Llama => (attentionBias, attentionBias, r.Bool("mlp_bias", false)),
            ModelFamily.Mistral => (false, false, false),
            ModelFamily.Qwen2 => (true, false, false),
            _ => (attentionBias, attentionBias, false), // Qwen3
        };
        return new ArchitectureConfig(
            modelType, family, hidden, r.PositiveInt("num_hidden_layers"), heads, kvHeads, headDim,
            r.PositiveInt("intermediate_size"), r.PositiveInt("vocab_size"),
            TieWordEmbeddings: r.Bool("tie_word_embeddings", false),
            qkvBias, outputBias, mlpBias,
            QkNorm: family == ModelFamily.Qwen3,
            LearnedPositions: 0,
            MaxPositionEmbeddings: r.OptionalPositiveInt("max_position_embeddings") ?? 0);
    }

    private static ArchitectureConfig Gpt2(Reader r)
    {
        var hidden = r.PositiveInt("n_embd");
        var heads = r.PositiveInt("n_head");
        var positions = r.PositiveInt("n_positions");
        return new ArchitectureConfig(
            "gpt2", ModelFamily.Gpt2, hidden, r.PositiveInt("n_layer"), heads, heads,
            r.Divide(hidden, heads, "n_embd", "n_head"),
            r.OptionalPositiveInt("n_inner") ?? 4 * hidden,
            r.PositiveInt("vocab_size"),
            TieWordEmbeddings: r.Bool("tie_word_embeddings", true),
            QkvBias: true, OutputBias: true, MlpBias: true, QkNorm: false,
            LearnedPositions: positions,
            MaxPositionEmbeddings: positions);
    }

    private sealed class Reader(JsonElement root, string source)
    {
        public string Source => source;

        public string? String(string key) =>
            root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        public int PositiveInt(string key) =>
            OptionalPositiveInt(key) ?? throw new FlopsInputException($"{source}: \"{key}\" is missing; it is needed to count FLOPs and parameters.");

        public int? OptionalPositiveInt(string key)
        {
            if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
                throw new FlopsInputException($"{source}: \"{key}\" is {v.GetRawText()}; a whole number is expected.");
            if (n <= 0)
                throw new FlopsInputException($"{source}: \"{key}\" is {n}; a positive number is expected.");
            return n;
        }

        public bool Bool(string key, bool absent)
        {
            if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return absent;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new FlopsInputException($"{source}: \"{key}\" is {v.GetRawText()}; true or false is expected."),
            };
        }

        public int Divide(int numerator, int denominator, string numeratorKey, string denominatorKey) =>
            numerator % denominator == 0
                ? numerator / denominator
                : throw new FlopsInputException($"{source}: {numeratorKey} ({numerator}) is not a multiple of {denominatorKey} ({denominator}) and no head_dim is given; add \"head_dim\".");
    }
}
