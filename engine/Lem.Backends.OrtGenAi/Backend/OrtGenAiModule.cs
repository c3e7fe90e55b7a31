using System.Text.Json.Nodes;
using Lem.Backends.OrtGenAi.Generation;
using Lem.Engine;
using Lem.Engine.Config;
using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Inference;
using Lem.Models.Onnx;
using Lem.Models.Preflight;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace Lem.Backends.OrtGenAi.Backend;

/// <summary>
/// The "ortgenai" backend: ONNX Runtime GenAI (Microsoft.ML.OnnxRuntimeGenAI 0.18, CPU provider) generating batches
/// through its generator API. Its models are ONNX GenAI folders: one given as the model, or one lem writes from a
/// Hugging Face folder or a synthetic model (<see cref="OrtGenAiFolderWriter"/>, cached by fingerprint and weight format).
/// </summary>
public sealed class OrtGenAiModule : IBackendModule
{
    public const string ModuleName = "ortgenai";
    public const string GenAiVersion = "0.18.0";

    private static readonly Lazy<OgaHandle> Runtime = new(() => new OgaHandle()); // GenAI's process-wide state, released at exit

    private readonly OrtGenAiModelCache _cache;
    private readonly SyntheticModelCache _synthetic;

    public OrtGenAiModule(OrtGenAiModelCache? cache = null, SyntheticModelCache? synthetic = null)
    {
        _cache = cache ?? OrtGenAiModelCache.Default();
        _synthetic = synthetic ?? SyntheticModelCache.Default();
    }

    public string Name => ModuleName;

    public string Summary => "ONNX Runtime GenAI (CPU): ONNX decoder graphs with GroupQueryAttention, fp32 or int4 MatMulNBits weights, written by lem or GenAI's model builder";

    public IReadOnlyList<string> OriginalNames => [];

    public IReadOnlyList<ParameterDefinition> Parameters => OrtGenAiParameters.All;

    public BackendCapabilities Capabilities { get; } = new(
        ExecutionShape.Batch,
        Precisions: ["fp32"],
        // core quantization = int4 is the same as ortgenai.quantization = int4 (lem's int4 ONNX weights)
        Quantizations: ["none", "int4"],
        ParallelModes: ["none"],
        ModelSources: [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic, ModelSourceKind.OrtGenAiFolder],
        TracesFlops: false,
        ReportsDeviceMemory: false,
        HasTokenizer: true);

    public IDeviceLoad? DeviceLoad => null;

    public void CheckRules(EffectiveValues values, Findings findings)
    {
        string? provider = values.Word(OrtGenAiParameters.Provider);
        string? device = values.Text("device");
        bool onCuda = device?.StartsWith("cuda", StringComparison.Ordinal) == true;
        if (provider == "cpu" && onCuda)
            findings.At("device", values.Where("device")).Error(DiagnosticCodes.CrossField,
                $"backend ortgenai with ortgenai.provider = cpu runs on the CPU, but device is \"{device}\": set device = \"cpu\", or ortgenai.provider = cuda (which needs the CUDA GenAI package).");
        if (provider == "cuda" && device == "cpu")
            findings.At(OrtGenAiParameters.Provider, values.Where(OrtGenAiParameters.Provider)).Error(DiagnosticCodes.CrossField,
                "ortgenai.provider = cuda runs on a GPU, but device is \"cpu\": set device = \"cuda:0\" (or similar), or ortgenai.provider = cpu.");
        if (values.Word("precision") is { } precision && precision != "fp32")
            findings.At("precision", values.Where("precision")).Error(DiagnosticCodes.CrossField,
                $"backend ortgenai runs the fp32 graphs lem writes (precision is {precision}): set precision = fp32; for 4-bit weights set ortgenai.quantization = int4.");
        if (values.Word("quantization") == "int4" && values.IsSet(OrtGenAiParameters.Quantization) && values.Word(OrtGenAiParameters.Quantization) == "fp32")
            findings.At(OrtGenAiParameters.Quantization, values.Where(OrtGenAiParameters.Quantization)).Error(DiagnosticCodes.CrossField,
                "quantization = int4 asks for int4 weights, but ortgenai.quantization = fp32: remove one of them (either alone chooses lem's int4 ONNX weights).");
        if (values.Number("decoder.min_p") is > 0 && values.Number("decoder.temperature") is not 0)
            findings.At("decoder.min_p", values.Where("decoder.min_p")).Error(DiagnosticCodes.CrossField,
                "ONNX Runtime GenAI has no min-p sampling: set decoder.min_p = 0 for backend ortgenai (top_k and top_p are supported).");
    }

    /// <summary>
    /// An ONNX GenAI folder or a Hugging Face folder (relative to <paramref name="baseFolder"/>), or a synthetic model's
    /// Hugging Face folder (written into the synthetic cache on first use). Hugging Face folders are converted at load,
    /// where the weight format (ortgenai.quantization) is known.
    /// </summary>
    public string ResolveModel(ModelSpec model, string baseFolder)
    {
        if (model.IsSynthetic)
            return _synthetic.Resolve(model.SyntheticPreset!, model.SyntheticSeed);
        string folder = model.PathFrom(baseFolder);
        if (!Directory.Exists(folder))
            throw new InferenceException($"model folder \"{model.Location}\" ({folder}) does not exist. Remedy: give an ONNX GenAI folder (genai_config.json), a Hugging Face folder (config.json, *.safetensors) or synthetic(\"...\").");
        if (!GenAiFolder.IsGenAiFolder(folder) && !File.Exists(Path.Combine(folder, "config.json")))
            throw new InferenceException($"{folder} holds neither genai_config.json (an ONNX GenAI folder) nor config.json (a Hugging Face folder). Remedy: point model at one of those, or convert with lem model convert --to ortgenai.");
        return folder;
    }

    /// <summary>
    /// Before any run: a provider this build carries (CPU), and a model it can load: a synthetic preset of a family the
    /// ONNX writer builds, an ONNX GenAI folder (genai_config.json read, with the model's config.json), or a Hugging Face
    /// folder whose config.json the writer converts.
    /// </summary>
    public void Preflight(ExperimentConfig config, string baseFolder, Findings findings)
    {
        if (config.BackendOptions.TryGetValue(OrtGenAiParameters.Provider, out var provider) && provider is "cuda")
            findings.At(OrtGenAiParameters.Provider, null).Error(DiagnosticCodes.BackendUnavailable,
                "ortgenai.provider = cuda: this lem build carries the CPU package of ONNX Runtime GenAI (Microsoft.ML.OnnxRuntimeGenAI " + GenAiVersion + "), whose native library has no CUDA provider. " +
                "Remedy: use ortgenai.provider = cpu, or build lem with Microsoft.ML.OnnxRuntimeGenAI.Cuda (and Microsoft.ML.OnnxRuntime.Gpu) in place of the CPU packages in engine/Lem.Backends.OrtGenAi.");
        if (config.Model.IsSynthetic)
        {
            if (ModelPreflight.Preset(config, findings) is { } preset && !DecoderSpec.SupportedModelTypes.Contains(preset.Arch))
                ModelPreflight.Error(findings, DiagnosticCodes.UnknownPreset,
                    $"model: synthetic model {preset.Spec} cannot be written as ONNX: lem's writer builds the {string.Join(", ", DecoderSpec.SupportedModelTypes)} families. Remedy: choose a preset of one of them, or backend = torchsharp.");
            return;
        }
        string folder = config.Model.PathFrom(baseFolder);
        if (!ModelPreflight.Exists(findings, folder, config.Model.Location!, "an ONNX GenAI folder (genai_config.json) or a Hugging Face folder (config.json, *.safetensors)"))
            return;
        string configJson = Path.Combine(folder, "config.json");
        if (!Directory.Exists(folder) || (!GenAiFolder.IsGenAiFolder(folder) && !File.Exists(configJson)))
            ModelPreflight.Error(findings, DiagnosticCodes.InputInvalid,
                $"model \"{config.Model.Location}\" ({folder}) holds neither genai_config.json (an ONNX GenAI folder) nor config.json (a Hugging Face folder). Remedy: point model at one of those, or convert with lem model convert --to ortgenai.");
        else if (GenAiFolder.IsGenAiFolder(folder) && ModelPreflight.Readable(findings, () => GenAiFolder.Read(folder)) && !File.Exists(configJson))
            ModelPreflight.Error(findings, DiagnosticCodes.InputMissing,
                $"{folder} has no config.json; lem reads the Hugging Face config for FLOPs and records. Remedy: copy the model's config.json into the folder.");
        else if (File.Exists(configJson))
            ModelPreflight.Readable(findings, () => DecoderSpec.Parse(InputText.ReadFile(configJson), configJson));
    }

    public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config) => [config.Device];

    ILoadedModel IBackendModule.Load(ModelLoadRequest request) => Load(request);

    public OrtGenAiModel Load(ModelLoadRequest request)
    {
        if (request.Precision.Trim().ToLowerInvariant() is not ("fp32" or "float32"))
            throw new InferenceException($"precision \"{request.Precision}\" is not one backend ortgenai runs; use fp32 (for 4-bit weights set ortgenai.quantization = int4).");
        string provider = request.Option(OrtGenAiParameters.Provider, "cpu");
        if (provider == "cuda")
            throw new InferenceException(
                "ortgenai.provider = cuda: this lem build carries the CPU package of ONNX Runtime GenAI (Microsoft.ML.OnnxRuntimeGenAI 0.18.0), whose native library has no CUDA provider. " +
                "Remedy: use ortgenai.provider = cpu, or build lem with Microsoft.ML.OnnxRuntimeGenAI.Cuda (and Microsoft.ML.OnnxRuntime.Gpu) in place of the CPU packages in engine/Lem.Backends.OrtGenAi.");
        if (provider != "cpu")
            throw new InferenceException($"ortgenai.provider is \"{provider}\"; it must be cpu or cuda.");
        if (request.Device.Trim().ToLowerInvariant() != "cpu")
            throw new InferenceException($"device \"{request.Device}\" with ortgenai.provider = cpu: the CPU provider runs on the CPU. Remedy: set device = \"cpu\".");
        var format = OnnxWeightFormat.Parse(request.Option(OrtGenAiParameters.Quantization, "fp32"), OrtGenAiParameters.Quantization);
        if (request.Quantization == "int4")
            format = OnnxWeightFormat.Int4Block32;
        else if (request.Quantization != "none")
            throw new InferenceException($"quantization = {request.Quantization} is not one backend ortgenai runs; use none or int4 (or ortgenai.quantization).");
        long threads = request.Option(OrtGenAiParameters.Threads, 0L);
        if (threads < 0) throw new InferenceException($"{OrtGenAiParameters.Threads} is {threads}; it must be 0 (ONNX Runtime's default) or positive.");
        var providerOptions = ParseProviderOptions(request.Option(OrtGenAiParameters.ProviderOptions, Array.Empty<string>()));

        var warnings = new List<string>();
        string folder = ResolveFolder(request.Model, format, warnings);
        var genai = GenAiFolder.Read(folder);
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
            throw new InferenceException($"{folder} has no config.json; lem reads the Hugging Face config for FLOPs and records. Remedy: copy the model's config.json into the folder.");
        string configJson = File.ReadAllText(configPath);
        var spec = DecoderSpec.Parse(configJson, configPath);
        var written = OrtGenAiFolderWriter.ReadInfo(folder);

        _ = Runtime.Value;
        Model model;
        try
        {
            using var config = new Config(folder);
            config.ClearProviders();
            foreach (var (key, value) in providerOptions)
                config.SetProviderOption(provider, key, value);
            if (threads > 0)
                config.Overlay(new JsonObject { ["model"] = new JsonObject { ["decoder"] = new JsonObject { ["session_options"] = new JsonObject { ["intra_op_num_threads"] = threads } } } }.ToJsonString());
            model = new Model(config);
        }
        catch (OnnxRuntimeGenAIException e)
        {
            throw new InferenceException($"ONNX Runtime GenAI cannot load {folder}: {BatchGenerator.FirstLine(e.Message)}. Remedy: re-write the folder with lem model convert --to ortgenai, or check it against GenAI {GenAiVersion}.", e);
        }
        try
        {
            var tokenizer = TokenizerLoader.Load(folder);
            var info = new ModelInfo(
                folder, spec.ArchitectureName, spec.Architecture.ModelType,
                ParameterCounts.FromConfig(spec.Architecture).Total,
                written?.WeightBytes ?? StoredModelBytes(folder),
                "fp32", "cpu", genai.ContextLength, genai.VocabSize,
                genai.EosTokenIds.Count > 0 ? genai.EosTokenIds[0] : null,
                configJson);
            var facts = new Dictionary<string, object>
            {
                ["ortgenai_version"] = GenAiVersion,
                ["ortgenai_provider"] = provider,
                ["ortgenai_quantization"] = written?.Quantization ?? "as written (not by lem)",
                ["ortgenai_intra_op_threads"] = threads == 0 ? "onnxruntime default" : threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ortgenai_folder"] = folder,
                ["ortgenai_weights_by"] = written is null ? "another writer" : "lem",
            };
            if (written?.Int4BlockSize is int block) facts["ortgenai_int4_block_size"] = block;
            if (written?.Int4AccuracyLevel is int level) facts["ortgenai_int4_accuracy_level"] = level;
            return new OrtGenAiModel(model, genai, spec.SlidingWindow, tokenizer, info, facts, warnings);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>An ONNX GenAI folder as it is, or a Hugging Face folder converted into the cache in <paramref name="format"/>.</summary>
    private string ResolveFolder(string model, OnnxWeightFormat format, List<string> warnings)
    {
        if (!Directory.Exists(model))
            throw new InferenceException($"model folder \"{model}\" does not exist. Remedy: give an ONNX GenAI folder, a Hugging Face folder or synthetic(\"...\").");
        if (!GenAiFolder.IsGenAiFolder(model))
            return _cache.Resolve(model, format);
        var written = OrtGenAiFolderWriter.ReadInfo(model);
        if (written is not null && written.Quantization != format.Name)
            throw new InferenceException($"{model} holds {written.Quantization} weights, but ortgenai.quantization is {format.Name}. Remedy: set ortgenai.quantization = {written.Quantization}, or point model at the Hugging Face folder so lem converts it.");
        if (written is null)
            warnings.Add($"{model} was not written by lem: ortgenai.quantization ({format.Name}) does not apply, and WeightBytes is the size of its ONNX files.");
        return model;
    }

    private static long StoredModelBytes(string folder) =>
        Directory.GetFiles(folder).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".data", StringComparison.Ordinal) || f.EndsWith(".onnx_data", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);

    private static List<(string Key, string Value)> ParseProviderOptions(string[] options)
    {
        var parsed = new List<(string, string)>();
        foreach (var option in options)
        {
            int eq = option.IndexOf('=');
            if (eq <= 0)
                throw new InferenceException($"{OrtGenAiParameters.ProviderOptions} entry \"{option}\" is not key=value. Remedy: write each option as \"key=value\".");
            parsed.Add((option[..eq].Trim(), option[(eq + 1)..].Trim()));
        }
        return parsed;
    }
}
