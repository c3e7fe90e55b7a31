using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.Runtime;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Backends.TorchSharp.Models;
using Lem.Engine.Flops.Analytical;
using Lem.Models.Preflight;
using Lem.Models.Synthetic;
using Lem.Models.Tokenization;
using static Lem.Engine.Config.ConfigValue;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>
/// The <c>torchsharp</c> backend as a module: decoder-only transformers (Llama, Mistral, Qwen2, Qwen3, GPT-2) from a
/// Hugging Face folder or a synthetic preset, run in-process on libtorch (CPU, or CUDA with graphs and NVRTC kernels).
/// </summary>
public sealed class TorchSharpModule : IBackendModule
{
    private readonly TorchSharpBackend _backend = new(folder => SafetensorsWeightSource.Open(folder), folder => TokenizerLoader.Load(folder));
    private readonly Func<SyntheticModelCache> _syntheticCache;

    /// <param name="syntheticCache">Where synthetic presets are written; null: the default cache (~/.cache/lem, or LEM_CACHE_DIR).</param>
    public TorchSharpModule(Func<SyntheticModelCache>? syntheticCache = null) => _syntheticCache = syntheticCache ?? SyntheticModelCache.Default;

    public const string CudaGraphs = TorchSharpBackend.CudaGraphsOption;
    public const string Attention = TorchSharpBackend.AttentionOption;
    public const string LibtorchPath = "torchsharp.libtorch_path";

    public string Name => "torchsharp";

    public string Summary => "TorchSharp on libtorch, in-process, CPU or CUDA with CUDA graphs";

    public IReadOnlyList<string> OriginalNames => ["pytorch"];

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new(CudaGraphs, ParameterKind.Boolean, new ConfigValue.Boolean(true),
            "Capture each decode step in a CUDA graph and replay it (no kernel launch cost: faster at small batch sizes), as vLLM does unless enforce_eager. On by default on CUDA; ignored on the CPU; false decodes eagerly (same tokens, same static shapes)."),
        new(Attention, ParameterKind.Choice, new Word("sdpa"),
            "Attention kernel: sdpa (torch scaled_dot_product_attention, fused where the device supports it) or eager (explicit matmul + softmax).",
            AllowedValues: ["sdpa", "eager"]),
        new(LibtorchPath, ParameterKind.Text, null,
            "Folder holding a CUDA-enabled libtorch (libtorch.so ...) to load instead of the CPU build shipped with lem. Unset: the shipped build (CPU only)."),
    ];

    public BackendCapabilities Capabilities { get; } = new(
        ExecutionShape.Batch,
        Precisions: ["fp32", "fp16", "bf16"],
        // weight-only, quantized at load; the LM head (and embeddings tied to it) stay int8 under both (Quantization/)
        Quantizations: ["none", "int8", "int4"],
        ParallelModes: ["none", "data", "pipeline"],
        ModelSources: [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic],
        TracesFlops: true,
        ReportsDeviceMemory: true,
        HasTokenizer: true);

    public void CheckRules(EffectiveValues values, Findings findings)
    {
        CudaGraphsNeedCuda(values, findings);
        PipelineDecodesEagerly(values, findings);
    }

    /// <summary>The default (true) means "where there is a CUDA device"; only a value the user wrote asks for one.</summary>
    private static void CudaGraphsNeedCuda(EffectiveValues values, Findings findings)
    {
        if (!values.IsSet(CudaGraphs) || values.Boolean(CudaGraphs) != true) return;
        var parallel = values.Word("parallel.mode") is { } mode && mode != "none";
        var devices = parallel ? values.TextList("parallel.devices") : values.Text("device") is { } one ? [one] : null;
        if (devices is null || devices.Count == 0 || devices.Any(d => d.StartsWith("cuda", StringComparison.Ordinal))) return;
        var where = parallel ? "parallel.devices" : "device";
        findings.At(CudaGraphs, values.Where(CudaGraphs)).Error(DiagnosticCodes.CrossField,
            $"{CudaGraphs} = true needs a CUDA device, but {where} is {string.Join(", ", devices.Select(d => "\"" + d + "\""))}: set {where} to \"cuda:0\" (or similar), or remove {CudaGraphs}.");
    }

    /// <summary>
    /// A CUDA graph is captured on one device's stream; a pipeline's forward crosses devices. Only an explicit true is an
    /// error: where cuda_graphs comes from its default, the backend decodes the pipeline eagerly and records why.
    /// </summary>
    private static void PipelineDecodesEagerly(EffectiveValues values, Findings findings)
    {
        if (values.Word("parallel.mode") != "pipeline" || !values.IsSet(CudaGraphs) || values.Boolean(CudaGraphs) != true) return;
        findings.At(CudaGraphs, values.Where(CudaGraphs)).Error(DiagnosticCodes.CrossField,
            $"{CudaGraphs} = true cannot be used with parallel.mode = pipeline: a CUDA graph is captured on one device's stream, " +
            $"and a pipeline's forward spans several devices. Remove {CudaGraphs} (a pipeline decodes eagerly), or use parallel.mode = data or none.");
    }

    /// <summary>A synthetic preset is written as a Hugging Face folder (safetensors) into the cache; a path is a folder.</summary>
    public string ResolveModel(ModelSpec model, string baseFolder)
    {
        if (model.IsSynthetic) return _syntheticCache().Resolve(model.SyntheticPreset!, model.SyntheticSeed);
        var folder = model.PathFrom(baseFolder);
        if (File.Exists(folder))
            throw new InferenceException($"\"{folder}\" is a file; the torchsharp backend loads a Hugging Face folder (config.json, *.safetensors, tokenizer files). Remedy: give the folder, or choose the backend that loads this file (a .gguf: backend = llamacpp).");
        return folder;
    }

    /// <summary>
    /// The model before any run: a synthetic preset that exists, or a Hugging Face folder with a config.json of a family
    /// this backend builds and safetensors weights whose headers read (the weights themselves are not loaded); quantization
    /// only for the Llama family; a torchsharp.libtorch_path that holds libtorch.
    /// </summary>
    public void Preflight(ExperimentConfig config, string baseFolder, Findings findings)
    {
        ModelFamily? family = null;
        if (config.Model.IsSynthetic)
        {
            if (ModelPreflight.Preset(config, findings) is { } preset) family = preset.Arch == "gpt2" ? ModelFamily.Gpt2 : ModelFamily.Llama;
        }
        else
        {
            var folder = config.Model.PathFrom(baseFolder);
            if (!ModelPreflight.Exists(findings, folder, config.Model.Location!, "a Hugging Face folder (config.json, *.safetensors, tokenizer files)")) { }
            else if (File.Exists(folder))
                ModelPreflight.Error(findings, DiagnosticCodes.InputInvalid,
                    $"model \"{config.Model.Location}\" is a file; the torchsharp backend loads a Hugging Face folder (config.json, *.safetensors, tokenizer files). Remedy: give the folder, or choose the backend that loads this file (a .gguf: backend = llamacpp).");
            else if (ModelPreflight.Readable(findings, () => family = ModelConfig.Load(folder).Family))
                ModelPreflight.Readable(findings, () => SafetensorsWeightSource.Open(folder).Dispose());
        }
        if (family == ModelFamily.Gpt2 && config.Quantization != "none")
            findings.At("quantization", null).Error(DiagnosticCodes.InputInvalid,
                $"quantization = {config.Quantization} is implemented for the Llama family (Llama, Mistral, Qwen2, Qwen3), and the model is GPT-2. Remedy: set quantization = none, or choose a model of the Llama family.");
        if (config.BackendOptions.TryGetValue(LibtorchPath, out var value) && value is string libtorch
            && !new[] { libtorch, Path.Combine(libtorch, "lib") }.Any(dir => File.Exists(Path.Combine(dir, "libtorch.so"))))
            findings.At(LibtorchPath, null).Error(DiagnosticCodes.BackendUnavailable,
                $"{LibtorchPath} = \"{libtorch}\" holds no libtorch.so (looked in it and in its lib/ folder). Remedy: point it at the torch/lib folder of a CUDA PyTorch (or libtorch 2.10), or remove it to use the CPU build shipped with lem.");
    }

    public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config) => config.DevicesUsed;

    /// <summary>Loads libtorch for the requested device first (CPU build shipped, or a CUDA one: one clear line when it cannot), then the model.</summary>
    public ILoadedModel Load(ModelLoadRequest request)
    {
        TorchRuntime.EnsureLoaded(request.Device, request.Option<string?>(LibtorchPath, null));
        return _backend.Load(request);
    }

    public IDeviceLoad DeviceLoad { get; } = new SteadyCopyLoad();

    /// <summary>Device-to-device copies of a 1 GiB bf16 buffer (<see cref="SteadyGpuLoad"/>).</summary>
    private sealed class SteadyCopyLoad : IDeviceLoad
    {
        public string Describe(string device) => $"{device} device-to-device copies of a 1 GiB bf16 buffer (SteadyGpuLoad)";
        public string Unit => "GiB";
        public double Run(string device, TimeSpan duration) => SteadyGpuLoad.CopyGiB(device, duration);

        public void Synchronize(string device)
        {
            TorchRuntime.EnsureLoaded(device);
            global::TorchSharp.torch.cuda.synchronize(new global::TorchSharp.torch.Device(device));
        }
    }
}
