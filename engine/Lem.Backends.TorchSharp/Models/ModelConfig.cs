using System.Text.Json;
using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// The parts of a Hugging Face config.json that decide the shapes and the arithmetic of a decoder-only model.
/// The shapes (family, widths, heads, head_dim, biases, tied embeddings) are the engine's one reading of config.json
/// (<see cref="ArchitectureConfig"/>, which FLOPs and MBU use too), so model and FLOPs never disagree; this adds what
/// only building the model needs (rotary settings, norm epsilon, activation, sliding window, EOS ids).
/// </summary>
/// <param name="Rope">Rotary embedding settings; null for GPT-2 (learned positions).</param>
/// <param name="QkvBias">q/k/v projections carry a bias (Qwen2, or attention_bias true).</param>
/// <param name="OutputBias">o_proj carries a bias (attention_bias true).</param>
/// <param name="QkNorm">Per-head RMSNorm of queries and keys before RoPE (Qwen3).</param>
/// <param name="SlidingWindow">The active sliding attention window, or null when attention is global.</param>
/// <param name="EosTokenIds">End-of-sequence ids from config.json and generation_config.json.</param>
public sealed record ModelConfig(
    ModelFamily Family,
    string ModelType,
    string Architecture,
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int HeadDim,
    int MaxPositionEmbeddings,
    double NormEps,
    RopeScaling? Rope,
    bool TieWordEmbeddings,
    bool QkvBias,
    bool OutputBias,
    bool MlpBias,
    bool QkNorm,
    string HiddenAct,
    int? SlidingWindow,
    IReadOnlyList<int> EosTokenIds,
    string ConfigJson)
{
    public const string FileName = "config.json";
    public const string GenerationFileName = "generation_config.json";

    /// <summary>Reads config.json (and the eos_token_id of generation_config.json when present) from a model folder.</summary>
    public static ModelConfig Load(string modelFolder)
    {
        var path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path))
            throw new InferenceException($"{path} does not exist; the model folder must be in Hugging Face layout (config.json and *.safetensors).");
        var config = Parse(File.ReadAllText(path), path);
        var genPath = Path.Combine(modelFolder, GenerationFileName);
        if (!File.Exists(genPath)) return config;
        var extra = WithReader(File.ReadAllText(genPath), genPath, r => r.IntOrIntList("eos_token_id"));
        return config with { EosTokenIds = config.EosTokenIds.Concat(extra).Distinct().ToArray() };
    }

    /// <summary>Parses config.json text; <paramref name="filePath"/> is named in every error.</summary>
    public static ModelConfig Parse(string json, string filePath) => WithReader(json, filePath, r => FromReader(r, json));

    private static T WithReader<T>(string json, string filePath, Func<ConfigReader, T> read)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InferenceException($"{filePath}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InferenceException($"{filePath}: the top level must be a JSON object.");
            return read(new ConfigReader(doc.RootElement, filePath));
        }
    }

    private static ModelConfig FromReader(ConfigReader r, string json)
    {
        var modelType = r.RequiredString("model_type");
        if (!ArchitectureConfig.SupportedModelTypes.Contains(modelType))
            throw r.Invalid("model_type", $"is \"{modelType}\", which this backend does not build; supported: {string.Join(", ", ArchitectureConfig.SupportedModelTypes)}");
        ArchitectureConfig shape;
        try
        {
            shape = ArchitectureConfig.Parse(json, r.FilePath);
        }
        catch (FlopsInputException e)
        {
            throw new InferenceException(e.Message, e);
        }
        var architecture = r.FirstOfArray("architectures") ?? DefaultArchitecture(shape.Family);
        var eos = r.IntOrIntList("eos_token_id");
        return shape.Family == ModelFamily.Gpt2
            ? Gpt2(r, shape, architecture, eos, json)
            : LlamaLike(r, shape, architecture, eos, json);
    }

    private static ModelConfig LlamaLike(ConfigReader r, ArchitectureConfig shape, string architecture, int[] eos, string json)
    {
        if (shape.HeadDim % 2 != 0) throw r.Invalid("head_dim", $"is {shape.HeadDim}; rotary embeddings need an even head dimension");
        var act = r.String("hidden_act") ?? "silu";
        if (act != "silu") throw r.Invalid("hidden_act", $"is \"{act}\"; this backend implements \"silu\" for {shape.ModelType}");
        return new ModelConfig(
            shape.Family, shape.ModelType, architecture,
            VocabSize: shape.VocabSize,
            HiddenSize: shape.HiddenSize,
            IntermediateSize: shape.IntermediateSize,
            NumHiddenLayers: shape.NumLayers,
            NumAttentionHeads: shape.NumHeads,
            NumKeyValueHeads: shape.NumKvHeads,
            HeadDim: shape.HeadDim,
            MaxPositionEmbeddings: Positive(r, "max_position_embeddings"),
            NormEps: r.Double("rms_norm_eps", 1e-6),
            Rope: ReadRope(r),
            TieWordEmbeddings: shape.TieWordEmbeddings,
            QkvBias: shape.QkvBias,
            OutputBias: shape.OutputBias,
            MlpBias: shape.MlpBias,
            QkNorm: shape.QkNorm,
            HiddenAct: act,
            SlidingWindow: ActiveSlidingWindow(r, shape.Family),
            EosTokenIds: eos,
            ConfigJson: json);
    }

    private static ModelConfig Gpt2(ConfigReader r, ArchitectureConfig shape, string architecture, int[] eos, string json)
    {
        var act = r.String("activation_function") ?? "gelu_new";
        if (act is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu"))
            throw r.Invalid("activation_function", $"is \"{act}\"; this backend implements gelu_new, gelu_pytorch_tanh and gelu for gpt2");
        if (r.Bool("scale_attn_by_inverse_layer_idx", false))
            throw r.Invalid("scale_attn_by_inverse_layer_idx", "is true, which this backend does not implement");
        if (!r.Bool("scale_attn_weights", true))
            throw r.Invalid("scale_attn_weights", "is false, which this backend does not implement");
        return new ModelConfig(
            ModelFamily.Gpt2, shape.ModelType, architecture,
            VocabSize: shape.VocabSize,
            HiddenSize: shape.HiddenSize,
            IntermediateSize: shape.IntermediateSize,
            NumHiddenLayers: shape.NumLayers,
            NumAttentionHeads: shape.NumHeads,
            NumKeyValueHeads: shape.NumKvHeads,
            HeadDim: shape.HeadDim,
            MaxPositionEmbeddings: shape.MaxPositionEmbeddings,
            NormEps: r.Double("layer_norm_epsilon", 1e-5),
            Rope: null,
            TieWordEmbeddings: shape.TieWordEmbeddings,
            QkvBias: true,
            OutputBias: true,
            MlpBias: true,
            QkNorm: false,
            HiddenAct: act,
            SlidingWindow: null,
            EosTokenIds: eos,
            ConfigJson: json);
    }

    private static RopeScaling ReadRope(ConfigReader r)
    {
        // transformers 5 writes "rope_parameters" (theta inside); 4.x writes "rope_theta" and "rope_scaling".
        var parameters = r.Object("rope_parameters");
        var scaling = parameters ?? r.Object("rope_scaling");
        var key = parameters is null ? "rope_scaling" : "rope_parameters";
        var theta = parameters is not null && parameters.Has("rope_theta")
            ? parameters.Double("rope_theta", 10000.0)
            : r.Double("rope_theta", 10000.0);
        if (theta <= 0) throw r.Invalid("rope_theta", $"is {theta}; it must be positive");
        if (scaling is null) return new RopeScaling("default", theta);

        var type = scaling.String("rope_type") ?? scaling.String("type") ?? "default";
        switch (type)
        {
            case "default":
                return new RopeScaling("default", theta);
            case "linear":
                return new RopeScaling("linear", theta, Factor: PositiveFactor(scaling, key, "factor"));
            case "llama3":
                var rope = new RopeScaling(
                    "llama3", theta,
                    Factor: PositiveFactor(scaling, key, "factor"),
                    LowFreqFactor: scaling.Double("low_freq_factor", 1.0),
                    HighFreqFactor: scaling.Double("high_freq_factor", 4.0),
                    OriginalMaxPositionEmbeddings: scaling.Int("original_max_position_embeddings", 8192));
                if (rope.HighFreqFactor <= rope.LowFreqFactor || rope.OriginalMaxPositionEmbeddings <= 0)
                    throw r.Invalid(key, "has llama3 parameters that need high_freq_factor > low_freq_factor and original_max_position_embeddings > 0");
                return rope;
            default:
                throw r.Invalid(key, $"has rope_type \"{type}\"; this backend implements default, linear and llama3");
        }
    }

    private static double PositiveFactor(ConfigReader scaling, string key, string name)
    {
        var f = scaling.Double(name, double.NaN);
        if (!(f > 0)) throw scaling.Invalid($"{key}.{name}", "must be a positive number");
        return f;
    }

    private static int? ActiveSlidingWindow(ConfigReader r, ModelFamily family)
    {
        var window = r.OptionalInt("sliding_window");
        if (window is null) return null;
        // Mistral applies its window whenever it is set; Qwen2/Qwen3 only when use_sliding_window is true.
        var active = family == ModelFamily.Mistral || r.Bool("use_sliding_window", false);
        return active ? window : null;
    }

    private static int Positive(ConfigReader r, string key)
    {
        var v = r.RequiredInt(key);
        return v > 0 ? v : throw r.Invalid(key, $"is {v}; it must be a positive integer");
    }

    private static string DefaultArchitecture(ModelFamily family) => family switch
    {
        ModelFamily.Llama => "LlamaForCausalLM",
        ModelFamily.Mistral => "MistralForCausalLM",
        ModelFamily.Qwen2 => "Qwen2ForCausalLM",
        ModelFamily.Qwen3 => "Qwen3ForCausalLM",
        _ => "GPT2LMHeadModel",
    };
}
