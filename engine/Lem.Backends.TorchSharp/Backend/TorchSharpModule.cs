using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.Models;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Backends.TorchSharp.Runtime;
using Lem.Backends.TorchSharp.Safetensors;
using Lem.Engine.Config;
using Lem.Engine.Inference;
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
    public const string PrefillGraphs = TorchSharpBackend.PrefillGraphsOption;
    public const string Attention = TorchSharpBackend.AttentionOption;
    public const string LibtorchPath = "torchsharp.libtorch_path";
    public const string Threads = TorchSharpBackend.ThreadsOption;

    public string Name => "torchsharp";

    public string Summary => "TorchSharp on libtorch, in-process, CPU or CUDA with CUDA graphs";

    public IReadOnlyList<string> OriginalNames => ["pytorch"];

    /// <summary>The keys of the original tool's <c>pytorch:</c> section that are this backend's business (Hugging Face transformers options there).</summary>
    public IReadOnlyList<OriginalKey> OriginalKeys { get; } = OriginalPyTorchKeys.All;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new(CudaGraphs, ParameterKind.Boolean, new ConfigValue.Boolean(true),
            "Capture each decode step in a CUDA graph and replay it (no kernel launch cost: faster at small batch sizes), as vLLM does unless enforce_eager. On by default on CUDA; ignored on the CPU; false decodes eagerly (same tokens, same static shapes)."),
        new(PrefillGraphs, ParameterKind.Boolean, new ConfigValue.Boolean(false),
            "With cuda_graphs: also capture a prefill whose shape (prompt length, padded or not; at most 2048 tokens a batch, the two most recent shapes kept) comes a second time, and replay it from then on (a prefill of few tokens is bound by the host's operator calls; a warm-up of two batches captures a fixed prompt length). Same tokens as eager. Off by default until measured on a GPU."),
        new(Attention, ParameterKind.Choice, new Word("sdpa"),
            "Attention kernel: sdpa (torch scaled_dot_product_attention, fused where the device supports it) or eager (explicit matmul + softmax).",
            AllowedValues: ["sdpa", "eager"]),
        new(Threads, ParameterKind.Integer, new Integer(0),
            "CPU threads libtorch computes with (intra-op, torch.set_num_threads; process-wide, set again at each load). 0: libtorch's default (one per physical core).",
            Unit: "threads", Min: 0, Max: 4096),
        new(LibtorchPath, ParameterKind.Text, null,
            "Folder holding a CUDA-enabled libtorch (libtorch.so ...) to load instead of the CPU build shipped with lem. Unset: the shipped build (CPU only)."),
    ];

    public BackendCapabilities Capabilities { get; } = new(
        ExecutionShape.Batch,
        Precisions: ["fp32", "fp16", "bf16"],
        // weight-only, quantized at load; the LM head (and embeddings tied to it) stay int8 under both (Quantization/)
        Quantizations: ["none", "int8", "int4"],
        ParallelModes: ["none", "data", "pipeline", "tensor"],
        ModelSources: [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic],
        TracesFlops: true,
        ReportsDeviceMemory: true,
        HasTokenizer: true,
        QuantizationDescriptions: new Dictionary<string, string>
        {
            ["int8"] = QuantizationScheme.Int8.Describe(),
            ["int4"] = QuantizationScheme.Int4.Describe(),
        });

    public void CheckRules(EffectiveValues values, Findings findings)
    {
        CudaGraphsNeedCuda(values, findings);
        SplitsDecodeEagerly(values, findings);
        PrefillGraphsNeedGraphs(values, findings);
        TensorSplitRules(values, findings);
    }

    /// <summary>Prefill graphs belong to the decode graphs' sessions: without those they would silently not run.</summary>
    private static void PrefillGraphsNeedGraphs(EffectiveValues values, Findings findings)
    {
        if (values.Boolean(PrefillGraphs) != true || values.Boolean(CudaGraphs) != false) return;
        findings.At(PrefillGraphs, values.Where(PrefillGraphs)).Error(DiagnosticCodes.CrossField,
            $"{PrefillGraphs} = true needs {CudaGraphs} = true: prefills are captured in the decode graphs' sessions. Remove {CudaGraphs} = false, or {PrefillGraphs}.");
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
    /// A CUDA graph is captured on one device's stream; the forward of a pipeline or a tensor split crosses devices.
    /// Only an explicit true is an error: where cuda_graphs comes from its default, the backend decodes eagerly and
    /// records why.
    /// </summary>
    private static void SplitsDecodeEagerly(EffectiveValues values, Findings findings)
    {
        if (values.Word("parallel.mode") is not ("pipeline" or "tensor") || !values.IsSet(CudaGraphs) || values.Boolean(CudaGraphs) != true) return;
        var mode = values.Word("parallel.mode");
        var what = mode == "pipeline" ? "a pipeline's forward spans several devices" : "a tensor split's step runs on several devices and sums across them";
        findings.At(CudaGraphs, values.Where(CudaGraphs)).Error(DiagnosticCodes.CrossField,
            $"{CudaGraphs} = true cannot be used with parallel.mode = {mode}: a CUDA graph is captured on one device's stream, " +
            $"and {what}. Remove {CudaGraphs} (a {(mode == "pipeline" ? "pipeline" : "tensor split")} decodes eagerly), or use parallel.mode = data or none.");
    }

    /// <summary>
    /// parallel.mode = tensor: unquantized weights, and head counts that the number of devices divides — checked here
    /// for synthetic presets, whose shapes are known; a model folder's config.json by the pre-flight (<see cref="Preflight"/>).
    /// </summary>
    private static void TensorSplitRules(EffectiveValues values, Findings findings)
    {
        if (values.Word("parallel.mode") != "tensor") return;
        if (values.Word("quantization") is { } quantization && quantization != "none")
            findings.At("quantization", values.Where("quantization")).Error(DiagnosticCodes.CrossField,
                $"quantization = {quantization} cannot be combined with parallel.mode = tensor: a tensor split holds the weights as loaded. Set quantization = none, or use parallel.mode = pipeline or none.");
        if (values.TextList("parallel.devices") is not { Count: >= 2 } devices || values.Value("model") is not ConfigValue.Call { Name: "synthetic" } call) return;
        SyntheticPreset preset;
        try
        {
            preset = SyntheticPresets.Resolve(ModelSpec.From(call).SyntheticPreset!);
        }
        catch (InferenceException)
        {
            return; // an unknown preset is reported where the model is resolved
        }
        if (TensorSplit.HeadsProblem(devices, preset.Heads, preset.KvHeads) is { } problem)
            findings.At("parallel.devices", values.Where("parallel.devices")).Error(DiagnosticCodes.CrossField,
                $"synthetic(\"{preset.Spec}\"): {problem}");
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
    /// only for the Llama family; a tensor split whose devices divide the folder's head counts; a torchsharp.libtorch_path
    /// that holds libtorch.
    /// </summary>
    public void Preflight(ExperimentConfig config, string baseFolder, Findings findings)
    {
        ModelFamily? family = null;
        ModelConfig? model = null;
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
            else if (ModelPreflight.Readable(findings, () => model = ModelConfig.Load(folder)))
                ModelPreflight.Readable(findings, () => SafetensorsWeightSource.Open(folder).Dispose());
            family = model?.Family;
        }
        // a synthetic preset's heads are checked with the other rules (TensorSplitRules); a folder's here, from its config.json
        if (model is not null && config.Parallel.Mode == ParallelMode.Tensor
            && TensorSplit.HeadsProblem(config.Parallel.Devices.Select(d => d.ToString()).ToArray(), model.NumAttentionHeads, model.NumKeyValueHeads) is { } problem)
            findings.At("parallel.devices", null).Error(DiagnosticCodes.CrossField, $"model \"{config.Model.Location}\": {problem}");
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
