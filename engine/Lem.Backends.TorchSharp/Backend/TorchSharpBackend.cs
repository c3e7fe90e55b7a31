using System.Runtime.InteropServices;
using Lem.Backends.TorchSharp.Collectives;
using Lem.Backends.TorchSharp.Loading;
using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Models;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Backends.TorchSharp.Runtime;
using Lem.Engine.Inference;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>
/// Loads decoder-only transformers (Llama, Mistral, Qwen2, Qwen3, GPT-2) from a Hugging Face folder onto a TorchSharp
/// device (what <see cref="TorchSharpModule"/> loads; libtorch must already be loaded). Weights and tokenizer come
/// through the factories given here (a safetensors reader and a tokenizer loader).
/// </summary>
public sealed class TorchSharpBackend(Func<string, IWeightSource> openWeights, Func<string, ITextTokenizer> openTokenizer)
{
    public const string StaticDecodeOption = "torchsharp.static_decode";
    public const string CudaGraphsOption = "torchsharp.cuda_graphs";
    public const string PrefillGraphsOption = "torchsharp.prefill_graphs";
    public const string AttentionOption = "torchsharp.attention";
    public const string ThreadsOption = "torchsharp.threads";

    public TorchSharpModel Load(ModelLoadRequest request)
    {
        var folder = request.Model;
        if (!Directory.Exists(folder))
            throw new InferenceException($"Model folder \"{folder}\" does not exist; give a folder in Hugging Face layout (config.json, *.safetensors, tokenizer files).");
        var (precision, dtype) = PrecisionName.Parse(request.Precision);
        var staticDecode = Flag(request, StaticDecodeOption);
        var cudaGraphs = Flag(request, CudaGraphsOption);
        var quantization = QuantizationOf(request);
        var config = ModelConfig.Load(folder);
        var split = Split(request, config);
        var tensorSplit = TensorSplitOf(request, config, quantization);
        var deviceName = tensorSplit is null
            ? string.Join("+", split.Stages.Select(s => s.DeviceName).Distinct())
            : string.Join("+", tensorSplit.DistinctDevices.Select(r => r.DeviceName));

        CausalLM model;
        var loadWatch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var weights = openWeights(folder);
            model = tensorSplit is null
                ? ModelBuilder.Build(config, weights, dtype, split, folder, quantization)
                : ModelBuilder.Build(config, weights, dtype, tensorSplit, AllReduceFor(tensorSplit, request), folder);
        }
        catch (ExternalException e)
        {
            throw new InferenceException(
                $"TorchSharp failed while loading {folder} as {precision} on {deviceName}: {TorchSharpModel.FirstLine(e.Message)}. " +
                "If it is out of memory, choose a smaller model, a lower precision or another device.", e);
        }
        var threads = Runtime.CpuThreads.Apply(request.Option(ThreadsOption, 0L));
        try
        {
            var tokenizer = openTokenizer(folder);
            var info = new ModelInfo(
                folder, config.Architecture, config.ModelType,
                model.ParameterCount, model.WeightBytes, precision, deviceName,
                config.MaxPositionEmbeddings, config.VocabSize,
                config.EosTokenIds.Count > 0 ? config.EosTokenIds[0] : null,
                config.ConfigJson);
            var onCuda = split.First.type == global::TorchSharp.DeviceType.CUDA;
            // the helper also brings the fused operators, so it is set up on CUDA even where graphs are not used
            var oneDevicePerLayer = !split.IsPipeline && tensorSplit is null;
            var (graphs, graphsStatus) = CudaGraphSetup.Create(split.First, request, cudaGraphs && oneDevicePerLayer, Flag(request, PrefillGraphsOption));
            if (cudaGraphs && split.IsPipeline) graphsStatus = PipelineGraphsStatus;
            if (cudaGraphs && tensorSplit is not null) graphsStatus = TensorGraphsStatus;
            graphs?.Prepare(model);
            model.ExplicitAttention = AttentionChoice(request) == "eager";
            return new TorchSharpModel(model, tokenizer, info)
            {
                DecodeKernelsStatus = DecodeKernels(model.Devices, dtype),
                CpuThreads = threads,
                BuildSeconds = loadWatch.Elapsed.TotalSeconds,
                // on CUDA eager decoding uses the static shapes of graph decoding too, so the two give the same tokens
                StaticDecodeShapes = staticDecode || onCuda, Graphs = graphs, GraphsStatus = graphsStatus,
                // eager decoding of a pipeline or a tensor split is by design (the config rejects an explicit cuda_graphs = true with them)
                GraphsWarning = cudaGraphs && onCuda && graphs is null && oneDevicePerLayer ? "torchsharp.cuda_graphs = true, but decoding is eager: " + graphsStatus : null,
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The core quantization parameter (ModelLoadRequest.Quantization); until the engine fills that in, also the backend
    /// option "quantization" (the resolved parameter, which reaches the backend's options while it names this backend).
    /// </summary>
    private static QuantizationScheme QuantizationOf(ModelLoadRequest request)
    {
        if (request.Quantization is { } core && core != "none") return QuantizationSchemes.Parse(core);
        return QuantizationSchemes.Parse(request.Option<string?>(QuantizationOption, null));
    }

    public const string QuantizationOption = "quantization";

    private static string AttentionChoice(ModelLoadRequest request)
    {
        if (request.BackendOptions is null || !request.BackendOptions.TryGetValue(AttentionOption, out var value)) return "sdpa";
        return value switch
        {
            "sdpa" or "eager" => (string)value,
            _ => throw new InferenceException($"{AttentionOption} is {value}; it must be sdpa or eager."),
        };
    }

    /// <summary>Compiles the native decode kernels for every CUDA device of the model (at load, outside any capture).</summary>
    private static string DecodeKernels(IReadOnlyList<global::TorchSharp.torch.Device> devices, global::TorchSharp.torch.ScalarType dtype)
    {
        if (devices[0].type != global::TorchSharp.DeviceType.CUDA) return "off (not a CUDA device)";
        if (dtype != global::TorchSharp.torch.ScalarType.BFloat16) return "off (bf16 only; ATen operators for this precision)";
        if (FusedOps.Current is not { } fused) return "off (no native helper)";
        var gemvTuning = GemvTuning.Describe(); // checked before the kernels compile with it
        foreach (var device in devices)
            if (fused.PrepareDecodeKernels(device.index < 0 ? 0 : device.index) is { } reason)
                return "off: " + reason;
        var stepEnd = FusedOps.StepKernelOn
            ? $"the greedy choice and the step's advance in one kernel ({FusedOps.StepKernelVariable})"
            : "the greedy choice and the step's advance by ATen operators";
        var dequantize = FusedOps.DequantizeKernelOn ? $"; quantized weights dequantized for ATen products by one kernel where their in-features allow ({FusedOps.DequantizeKernelVariable})" : "";
        return $"on (GEMV for up to {Projection.GemvMaxRows} rows, {Projection.QuantizedGemvMaxRows} with quantized weights, with the RMSNorm, residual addition, SiLU·up or fp32 logits folded in, and for q/k/v RoPE with the KV-cache write; {gemvTuning}{dequantize}; {stepEnd}; {(Attention.DecodeAttentionKernelOn ? $"one-query attention kernel where the static cache holds up to {FusedOps.DecodeAttentionMaxPositions} positions, head_dim is 32, 64, 128 or 256 and at most 16 query heads share a KV head, SDPA elsewhere ({Attention.DecodeAttentionVariable})" : "attention by torch's SDPA")}; {(FusedOps.ProgrammaticLaunchOn ? $"programmatic dependent launch in CUDA graphs on sm_90 and later ({FusedOps.ProgrammaticLaunchVariable})" : "each kernel launched after the previous one ends")})";
    }

    /// <summary>Why a pipeline decodes eagerly although torchsharp.cuda_graphs is on.</summary>
    public const string PipelineGraphsStatus =
        "off: a pipeline's forward spans several devices, and a CUDA graph is captured on one device's stream; decoding is eager";

    /// <summary>Why a tensor split decodes eagerly although torchsharp.cuda_graphs is on.</summary>
    public const string TensorGraphsStatus =
        "off: a tensor split's step runs on several devices and sums across them, and lem's graph helper captures one device's stream; decoding is eager";

    /// <summary>
    /// The tensor split over request.TensorDevices (null without one), checked before any weight is read: two or more
    /// devices, head counts that divide, no pipeline beside it, unquantized weights.
    /// </summary>
    private static TensorSplit? TensorSplitOf(ModelLoadRequest request, ModelConfig config, QuantizationScheme quantization)
    {
        if (request.TensorDevices is not { } devices) return null;
        if (request.PipelineDevices is not null)
            throw new InferenceException("A model can be split as a pipeline or by tensor parallelism, not both: give pipeline devices or tensor devices.");
        if (quantization != QuantizationScheme.None)
            throw new InferenceException(
                $"quantization = {quantization.Name()} cannot be combined with parallel.mode = tensor: a tensor split holds the weights as loaded. Remedy: set quantization = none, or use parallel.mode = pipeline or none.");
        return TensorSplit.Even(devices.Select(DeviceName.Parse).ToArray(), config.NumAttentionHeads, config.NumKeyValueHeads);
    }

    /// <summary>NCCL where every rank has a GPU of its own (looked for beside the CUDA libtorch too), else the in-process sum.</summary>
    private static IAllReduce AllReduceFor(TensorSplit split, ModelLoadRequest request)
    {
        var onGpus = split.Ranks.All(r => r.Device.type == global::TorchSharp.DeviceType.CUDA);
        var libDir = onGpus ? CudaLibtorchLocator.ForThisMachine().Find(request.Option<string?>(TorchRuntime.LibtorchPathOption, null))?.LibDir : null;
        return AllReduceChoice.For(split, libDir);
    }

    /// <summary>One stage on request.Device, or the pipeline over request.PipelineDevices.</summary>
    private static PipelineSplit Split(ModelLoadRequest request, ModelConfig config)
    {
        if (request.PipelineDevices is not { } devices)
        {
            var (name, device) = DeviceName.Parse(request.Device);
            return PipelineSplit.Single(name, device, config.NumHiddenLayers);
        }
        return PipelineSplit.Even(devices.Select(DeviceName.Parse).ToArray(), config.NumHiddenLayers);
    }

    private static bool Flag(ModelLoadRequest request, string option)
    {
        if (request.BackendOptions is null || !request.BackendOptions.TryGetValue(option, out var value)) return false;
        return value switch
        {
            bool b => b,
            string text when bool.TryParse(text, out var b) => b,
            _ => throw new InferenceException($"{option} is {value}; it must be true or false."),
        };
    }
}
