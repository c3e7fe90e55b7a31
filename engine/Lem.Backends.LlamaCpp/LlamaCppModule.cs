using Lem.Engine;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Gguf;
using Lem.Models.Preflight;
using LLama;
using LLama.Exceptions;
using LLama.Native;

namespace Lem.Backends.LlamaCpp;

/// <summary>
/// The <c>llamacpp</c> backend: llama.cpp in this process through LLamaSharp 0.30.0, on GGUF files. Synthetic
/// models and Hugging Face folders are written as GGUF (cached), and <c>llamacpp.quantization</c> runs llama.cpp's own
/// quantizer on them (cached too). The batch execution shape: the engine forms the batches, as for TorchSharp, and
/// a batch's prompts decode together in one llama.cpp batch.
/// </summary>
public sealed class LlamaCppModule(GgufModelCache? cache = null) : IBackendModule
{
    private readonly GgufModelCache _cache = cache ?? GgufModelCache.Default();

    public const string ModuleName = "llamacpp";

    /// <summary>The binding and quantizer lem uses, part of every quantized file's cache key.</summary>
    public const string QuantizerIdentity = "llama.cpp through LLamaSharp 0.30.0";

    public string Name => ModuleName;

    public string Summary => "llama.cpp in-process through LLamaSharp (GGUF models, llama.cpp's quantization types; CPU build shipped, CUDA through llamacpp.native_path)";

    public IReadOnlyList<string> OriginalNames => [];

    public IReadOnlyList<ParameterDefinition> Parameters => LlamaCppParameters.All;

    public BackendCapabilities Capabilities { get; } = new(
        ExecutionShape.Batch,
        Precisions: ["fp32"],
        Quantizations: ["none", .. LlamaCppQuantization.Names.Where(n => n != LlamaCppQuantization.SourceName)],
        ParallelModes: ["none"],
        ModelSources: [ModelSourceKind.GgufFile, ModelSourceKind.Synthetic, ModelSourceKind.HuggingFaceFolder],
        TracesFlops: false,
        ReportsDeviceMemory: false,
        HasTokenizer: true,
        QuantizationDescriptions: LlamaCppQuantization.All.Where(q => q.Name != LlamaCppQuantization.SourceName).ToDictionary(q => q.Name, q => "llama.cpp " + q.Description));

    public IDeviceLoad? DeviceLoad => null;

    public void CheckRules(EffectiveValues values, Findings findings)
    {
        long? gpuLayers = values.Integer(LlamaCppParameters.GpuLayers);
        string? device = values.Text("device") ?? values.Word("device");
        if (gpuLayers is long layers && layers != 0)
        {
            var site = findings.At(LlamaCppParameters.GpuLayers, values.Where(LlamaCppParameters.GpuLayers));
            if (device == "cpu")
                site.Error(DiagnosticCodes.CrossField, $"llamacpp.gpu_layers = {layers} offloads layers to a GPU, but device is \"cpu\". Remedy: set device = \"cuda:0\", or llamacpp.gpu_layers = 0.");
            else if (values.Text(LlamaCppParameters.NativePath) is null)
                site.Error(DiagnosticCodes.CrossField, GpuBuildMissing(layers, LlamaCppNative.PackagedName + " is a CPU build"));
        }
        else if (device is not null && device.StartsWith("cuda", StringComparison.Ordinal))
            findings.At("device", values.Where("device")).Warning(DiagnosticCodes.CrossField,
                $"device = \"{device}\" but llamacpp.gpu_layers = 0: every layer runs on the CPU. Remedy: set llamacpp.gpu_layers = -1 to offload all layers (with a CUDA build in llamacpp.native_path), or device = \"cpu\".");

        string? own = values.Word(LlamaCppParameters.Quantization);
        string? core = values.Word("quantization");
        if (own is not null && own != LlamaCppQuantization.SourceName && core is not null && core != "none" && core != own)
            findings.At(LlamaCppParameters.Quantization, values.Where(LlamaCppParameters.Quantization)).Error(DiagnosticCodes.CrossField,
                $"llamacpp.quantization = {own} contradicts quantization = {core}. Remedy: set one of them.");
    }

    internal static string GpuBuildMissing(long layers, string loaded) =>
        $"llamacpp.gpu_layers = {layers} needs a CUDA-enabled llama.cpp, but {loaded} (no GPU offload). " +
        "Remedy: build llama.cpp with -DGGML_CUDA=ON -DBUILD_SHARED_LIBS=ON at the commit LLamaSharp 0.30.0 binds and set llamacpp.native_path to the folder holding its libllama.so; or set llamacpp.gpu_layers = 0 to run on the CPU.";

    public string ResolveModel(ModelSpec model, string baseFolder)
    {
        if (model.IsSynthetic)
        {
            var preset = Lem.Models.Synthetic.SyntheticPresets.Resolve(model.SyntheticPreset!);
            if (!GgufSourceConfig.SupportedModelTypes.Contains(preset.Arch))
                throw new InferenceException($"synthetic model {preset.Spec} cannot be written as GGUF: lem writes the {string.Join(", ", GgufSourceConfig.SupportedModelTypes)} families. Remedy: choose a preset of one of them (tiny, qwen3:tiny, llama-3.2-1b...).");
            return _cache.Synthetic(preset, model.SyntheticSeed);
        }
        string path = model.PathFrom(baseFolder);
        if (File.Exists(path))
        {
            if (!GgufFile.HasMagic(path))
                throw new InferenceException($"model {path} is not a GGUF file (no GGUF magic at its start). Remedy: give a .gguf file, a Hugging Face folder, or synthetic(\"PRESET\").");
            return path;
        }
        if (Directory.Exists(path))
        {
            if (!File.Exists(Path.Combine(path, "config.json")))
                throw new InferenceException($"model folder {path} has no config.json. Remedy: give a Hugging Face folder (config.json, *.safetensors, tokenizer files) or a .gguf file.");
            return _cache.Converted(path);
        }
        throw new InferenceException($"model {path} does not exist. Remedy: give a .gguf file or a Hugging Face folder (relative paths are from the script's folder), or synthetic(\"PRESET\").");
    }

    /// <summary>
    /// The model before any run: a synthetic preset of a family lem writes as GGUF, a GGUF file (its header read), or a
    /// Hugging Face folder whose config.json lem converts; and a llamacpp.native_path that holds libllama.so.
    /// </summary>
    public void Preflight(ExperimentConfig config, string baseFolder, Findings findings)
    {
        if (config.Model.IsSynthetic)
        {
            if (ModelPreflight.Preset(config, findings) is { } preset && !GgufSourceConfig.SupportedModelTypes.Contains(preset.Arch))
                ModelPreflight.Error(findings, DiagnosticCodes.UnknownPreset,
                    $"model: synthetic model {preset.Spec} cannot be written as GGUF: lem writes the {string.Join(", ", GgufSourceConfig.SupportedModelTypes)} families. Remedy: choose a preset of one of them (tiny, qwen3:tiny, llama-3.2-1b...), or another backend.");
        }
        else
        {
            string path = config.Model.PathFrom(baseFolder);
            if (!ModelPreflight.Exists(findings, path, config.Model.Location!, "a .gguf file or a Hugging Face folder")) { }
            else if (File.Exists(path))
                ModelPreflight.Readable(findings, () => GgufFile.Open(path));
            else if (!File.Exists(Path.Combine(path, "config.json")))
                ModelPreflight.Error(findings, DiagnosticCodes.InputMissing,
                    $"model folder {path} has no config.json. Remedy: give a Hugging Face folder (config.json, *.safetensors, tokenizer files) or a .gguf file.");
            else
                ModelPreflight.Readable(findings, () => GgufSourceConfig.Parse(InputText.ReadFile(Path.Combine(path, "config.json")), Path.Combine(path, "config.json")));
        }
        if (config.BackendOptions.TryGetValue(LlamaCppParameters.NativePath, out var native) && native is string nativePath)
        {
            if (LlamaCppNative.LibraryProblem(nativePath) is { } problem)
                findings.At(LlamaCppParameters.NativePath, null).Error(DiagnosticCodes.BackendUnavailable, problem);
        }
        else if (LlamaCppNative.BundledDependencyProblem() is { } missing)
            findings.At("backend", null).Error(DiagnosticCodes.BackendUnavailable, $"backend llamacpp cannot load its bundled natives. {missing}");
    }

    public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config) =>
        config.BackendOptions.TryGetValue(LlamaCppParameters.GpuLayers, out var layers) && layers is long n && n != 0 ? [config.Device] : [DeviceSpec.Cpu];

    ILoadedModel IBackendModule.Load(ModelLoadRequest request) => Load(request);

    public LlamaCppModel Load(ModelLoadRequest request)
    {
        int threads = (int)request.Option(LlamaCppParameters.Threads, 0L);
        if (threads <= 0)
            threads = Environment.ProcessorCount;
        int gpuLayers = (int)request.Option(LlamaCppParameters.GpuLayers, 0L);
        long ctxSize = request.Option(LlamaCppParameters.ContextSize, 0L);
        int batchTokens = (int)request.Option(LlamaCppParameters.BatchTokens, LlamaCppParameters.DefaultBatchTokens);
        string flash = request.Option(LlamaCppParameters.FlashAttention, "auto");
        string cacheType = request.Option(LlamaCppParameters.CacheType, "f16");
        string? nativePath = request.Option<string?>(LlamaCppParameters.NativePath, null);
        var quantization = QuantizationOf(request);

        if (!File.Exists(request.Model))
            throw new InferenceException($"GGUF file {request.Model} does not exist. Remedy: give a .gguf file, a Hugging Face folder or synthetic(\"PRESET\").");
        GgufFile.Open(request.Model); // a clear error for a file that is not GGUF, before llama.cpp sees it

        LlamaCppNative.Ensure(nativePath);
        if (gpuLayers != 0 && !LlamaCppNative.SupportsGpuOffload)
            throw new InferenceException(GpuBuildMissing(gpuLayers, $"the loaded llama.cpp ({LlamaCppNative.LoadedFrom}; devices {string.Join(", ", LlamaCppNative.Devices)}) has none"));

        string path = quantization.FileType is LLamaFtype ftype
            ? _cache.Quantized(request.Model, quantization.Name, QuantizerIdentity, (source, destination) => Quantize(source, destination, ftype, quantization.Name, threads))
            : request.Model;
        var description = GgufModelDescription.Of(GgufFile.Open(path));

        // the low-level loader with no progress callback: LLamaWeights.LoadFromFile passes one that can be collected
        // while llama.cpp still calls it (a crash on a later load)
        var parameters = LLamaModelParams.Default();
        parameters.n_gpu_layers = gpuLayers;
        parameters.main_gpu = gpuLayers != 0 && DeviceSpec.TryParse(request.Device, out var device) ? device.Index : 0;
        SafeLlamaModelHandle weights;
        LlamaCppLog.Mark();
        try
        {
            weights = SafeLlamaModelHandle.LoadFromFile(path, parameters);
        }
        catch (Exception e) when (e is LoadWeightsFailedException or RuntimeError)
        {
            throw new InferenceException($"llama.cpp could not load {path}: {LlamaCppLog.Since()}. Remedy: check that the file is a complete GGUF of an architecture llama.cpp supports (general.architecture = {description.GgufArchitecture}).", e);
        }

        try
        {
            // not NativeApi.llama_ftype_name: its string return frees llama.cpp's static text (a crash)
            string fileType = weights.FileType.ToString();
            var info = new ModelInfo(
                path, description.Architecture, description.ModelType, description.ParameterCount, description.TensorBytes,
                Precision: "fp32", Device: gpuLayers != 0 ? request.Device : "cpu",
                description.ContextLength, description.VocabSize, description.EosTokenId, description.ConfigJson)
            {
                KvCacheType = cacheType, // llamacpp.cache_type (f16 by default), whatever the weights are
            };
            var facts = new Dictionary<string, object>
            {
                ["llamacpp_quantization"] = quantization.Name,
                ["llamacpp_file_type"] = fileType,
                ["llamacpp_bits_per_weight"] = Math.Round(description.BitsPerWeight, 4),
                ["llamacpp_system_info"] = LlamaCppNative.SystemInfo,
                ["llamacpp_native_library"] = LlamaCppNative.LoadedFrom,
                ["llamacpp_threads"] = threads,
                ["llamacpp_gpu_layers"] = gpuLayers,
                ["llamacpp_flash_attn"] = flash,
                ["llamacpp_batch_tokens"] = batchTokens,
                ["llamacpp_cache_type"] = cacheType,
                ["llamacpp_source_file"] = request.Model,
            };
            var options = new LlamaCppModelOptions(threads, FlashAttentionType(flash), batchTokens, ctxSize > 0 ? (int)ctxSize : null, CacheTypeOf(cacheType));
            return new LlamaCppModel(weights, info, options, facts);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    private static LlamaCppQuantization QuantizationOf(ModelLoadRequest request)
    {
        string own = request.Option(LlamaCppParameters.Quantization, LlamaCppQuantization.SourceName);
        string name = own == LlamaCppQuantization.SourceName && request.Quantization != "none" ? request.Quantization : own;
        return LlamaCppQuantization.Find(name)
            ?? throw new InferenceException($"llamacpp.quantization is {name}; it must be one of {string.Join(", ", LlamaCppQuantization.Names)}.");
    }

    private static LLamaFlashAttentionType FlashAttentionType(string value) => value switch
    {
        "on" => LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_ENABLED,
        "off" => LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED,
        "auto" => LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_AUTO,
        _ => throw new InferenceException($"llamacpp.flash_attn is {value}; it must be auto, on or off."),
    };

    private static GGMLType CacheTypeOf(string value) => value switch
    {
        "f16" => GGMLType.GGML_TYPE_F16,
        "f32" => GGMLType.GGML_TYPE_F32,
        "q8_0" => GGMLType.GGML_TYPE_Q8_0,
        _ => throw new InferenceException($"llamacpp.cache_type is {value}; it must be f16, f32 or q8_0."),
    };

    /// <summary>
    /// llama.cpp's own quantizer (llama_model_quantize, as llama-quantize runs it: output tensor quantized by the type's
    /// rules, no requantizing of quantized tensors). Called directly: LLamaSharp's wrapper refuses the bf16 file type.
    /// </summary>
    private static void Quantize(string source, string destination, LLamaFtype type, string name, int threads)
    {
        LlamaCppLog.Mark();
        var parameters = LLamaModelQuantizeParams.Default();
        parameters.ftype = type;
        parameters.nthread = threads;
        parameters.allow_requantize = false;
        parameters.quantize_output_tensor = true;
        uint status = NativeApi.llama_model_quantize(source, destination, ref parameters);
        if (status == 0)
            return;
        string log = LlamaCppLog.Since();
        throw new InferenceException($"llama.cpp could not quantize {source} to {name}: {log}. Remedy: " + (log.Contains("not divisible", StringComparison.Ordinal)
            ? "every matrix row must be whole quantization blocks (32 weights; 256 for K-quants, which fall back to 32-blocks and f16): the tiny presets' intermediate size 172 is not; quantize a real-shaped preset or model."
            : "quantize from a float GGUF (f32, f16 or bf16); an already quantized file is not requantized."));
    }
}
