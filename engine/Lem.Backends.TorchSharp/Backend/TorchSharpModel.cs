using System.Runtime.InteropServices;
using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Models;
using Lem.Backends.TorchSharp.Quantization;
using Lem.Engine;
using Lem.Engine.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Backend;

/// <summary>A model loaded by <see cref="TorchSharpBackend"/>, resident on its device in eval mode.</summary>
public sealed class TorchSharpModel(CausalLM model, ITextTokenizer tokenizer, ModelInfo info) : IBatchModel
{
    private bool _disposed;

    public ModelInfo Info => info;
    public ITextTokenizer Tokenizer => tokenizer;

    /// <summary>The module tree (parameter names equal the checkpoint's tensor names).</summary>
    public CausalLM Model => model;

    /// <summary>
    /// Decode steps with identical shapes every step (attention over the whole cache under a mask); see
    /// <see cref="TextGenerator"/>. Always on for CUDA models (eager decoding then runs the kernels and shapes of graph
    /// decoding); elsewhere set from the backend option <c>torchsharp.static_decode</c> at load.
    /// </summary>
    public bool StaticDecodeShapes { get; set; }

    /// <summary>CUDA-graph decoding (torchsharp.cuda_graphs); null when decoding is eager.</summary>
    public CudaGraphDecoder? Graphs { get; init; }

    /// <summary>Whether CUDA graphs are used, and why not when they are not.</summary>
    public string GraphsStatus { get; init; } = "off";

    /// <summary>Whether the native decode kernels (RoPE with the KV write, SiLU·up) are used, and why not.</summary>
    public string DecodeKernelsStatus { get; init; } = "off";

    /// <summary>libtorch's intra-op CPU threads when the model was loaded (torchsharp.threads, or libtorch's default).</summary>
    public int CpuThreads { get; init; }

    /// <summary>Seconds to read, place and (with quantization) quantize the weights.</summary>
    public double BuildSeconds { get; init; }

    public IReadOnlyDictionary<string, object> Facts
    {
        get
        {
            var facts = new Dictionary<string, object>
            {
                ["torchsharp_cuda_graphs"] = GraphsStatus,
                ["torchsharp_cuda_graph_captures"] = Graphs?.Captures ?? 0,
                ["torchsharp_cuda_graph_replays"] = Graphs?.Replays ?? 0L,
                ["torchsharp_cuda_graph_prefill_replays"] = Graphs?.PrefillReplays ?? 0L,
                ["torchsharp_static_decode"] = StaticDecodeShapes || Graphs is not null,
                ["torchsharp_attention"] = model.ExplicitAttention ? "eager" : "sdpa",
                ["torchsharp_fused_rms_norm"] = model.Device.type == DeviceType.CUDA && FusedOps.Current is not null,
                ["torchsharp_decode_kernels"] = DecodeKernelsStatus,
                ["torchsharp_cpu_threads"] = CpuThreads,
            };
            if (model.Split.IsPipeline) facts["torchsharp_pipeline_split"] = model.Split.Describe();
            if (model is TensorParallelLM tensor)
            {
                facts["torchsharp_tensor_split"] = tensor.TensorSplit!.Describe();
                facts["torchsharp_tensor_reduce"] = tensor.AllReduceDescription;
            }
            facts["torchsharp_quantization"] = model.Quantization.Name();
            if (model.Quantization != QuantizationScheme.None)
            {
                facts["torchsharp_quantization_scheme"] = model.Quantization.Describe();
                facts["torchsharp_quantization_group_size"] = model.Quantization == QuantizationScheme.Int4 ? (object)WeightQuantizer.Int4GroupSize : "per output channel";
                facts["torchsharp_quantized_weight_bytes"] = model.QuantizedWeightBytes;
                facts["torchsharp_weights_build_s"] = Math.Round(BuildSeconds, 3);
            }
            return facts;
        }
    }

    /// <summary>Captures and replays count since load; the other numeric facts (weight bytes, build time) are constants.</summary>
    public IReadOnlyCollection<string> CounterFacts => ["torchsharp_cuda_graph_captures", "torchsharp_cuda_graph_replays", "torchsharp_cuda_graph_prefill_replays"];

    /// <summary>Why CUDA graphs were asked for but are not used; null otherwise.</summary>
    public string? GraphsWarning { get; init; }

    public IReadOnlyList<string> Warnings =>
        [.. GraphsWarning is null ? [] : new[] { GraphsWarning },
         .. Graphs?.LastCaptureFailure is { } failure ? new[] { "a CUDA graph capture failed, so that batch shape (or, for a prefill, every later prefill of the session) ran eagerly: " + failure } : [],
         .. QuantizedOnCpuWarning is { } quantized ? new[] { quantized } : []];

    /// <summary>
    /// Quantized weights on the CPU take the reference path (the packed kernels are CUDA-only): a figure measured there
    /// is of dequantizing, not of a quantized kernel, and must not be read as what the scheme costs.
    /// </summary>
    private string? QuantizedOnCpuWarning =>
        model.Quantization != QuantizationScheme.None && model.Device.type == DeviceType.CPU
            ? $"quantization = {model.Quantization.Name()} on the CPU runs lem's reference path: every projection dequantizes its weight at every step " +
              "(the W8A16/W4A16 kernels are CUDA-only), so its speed and energy are those of that path, not of a quantized kernel (it does more work than the unquantized model). " +
              "For quantized CPU figures use backend = llamacpp with llamacpp.quantization (q8_0, q4_0...)."
            : null;

    public IReadOnlyList<string> LoadNotes => model switch
    {
        TensorParallelLM tensor => ["every layer split as " + tensor.TensorSplit!.Describe(), "sums across devices: " + tensor.AllReduceDescription],
        _ when model.Split.IsPipeline => ["layers split as " + model.Split.Describe()],
        _ => [],
    };

    /// <summary>A capture inside the window means a batch shape appeared that warm-up did not see: the window includes capture time.</summary>
    public IReadOnlyList<(string Code, string Message, string? Remedy)> WindowWarnings(IReadOnlyDictionary<string, object> factsBefore)
    {
        var before = factsBefore.TryGetValue("torchsharp_cuda_graph_captures", out var count) ? Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var captures = (Graphs?.Captures ?? 0) - before;
        var prefills = Graphs?.CapturesPrefills == true;
        return captures <= 0 ? [] :
        [
            ("capture-in-window", $"{captures} CUDA graph capture(s) happened inside the measurement window: a batch shape appeared that warm-up did not see"
                + (prefills ? ", or a prompt length that it saw once (a prefill is captured when its shape comes a second time)" : ""),
                "the window includes capture time; use fewer distinct batch shapes (batch sizes, prompt lengths)"
                + (prefills ? ", or a warm-up of at least two batches (warmup.count)" : "")),
        ];
    }

    public BatchGeneration Generate(IReadOnlyList<int[]> promptTokenIds, GenerationSettings settings, ITokenObserver? observer = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return TextGenerator.Generate(model, promptTokenIds, settings, observer, model.Config.EosTokenIds, StaticDecodeShapes, Graphs);
        }
        catch (ExternalException e)
        {
            // libtorch errors (out of device memory, a CUDA fault) arrive as ExternalException with a native message.
            throw new InferenceException(
                $"TorchSharp failed while generating on {info.Device} (batch {promptTokenIds.Count}, max_new_tokens {settings.MaxNewTokens}): " +
                $"{FirstLine(e.Message)}. If it is out of memory, lower the batch size or max_new_tokens.", e);
        }
        catch (CudaGraphException e)
        {
            // the native helper (graph replay, fused RMSNorm, decode kernels) failed
            throw new InferenceException(
                $"The native helper failed while generating on {info.Device}: {FirstLine(e.Message)}. Remedy: set torchsharp.cuda_graphs = false " +
                $"if it is a graph failure; delete {Path.Combine(LemPaths.CacheRoot(), "native")} to rebuild the helper; report it with the message above.", e);
        }
    }

    public void Synchronize()
    {
        foreach (var device in model.Devices.Where(d => d.type == DeviceType.CUDA))
            cuda.synchronize(device);
    }

    /// <summary>
    /// Always null: TorchSharp 0.107 exposes no CUDA caching-allocator statistics (no max_memory_allocated), and on
    /// the CPU there is no device memory to report. Device memory is read by the engine's NVML meter instead.
    /// </summary>
    public long? PeakDeviceMemoryBytes => null;

    public void ResetPeakDeviceMemory()
    {
    }

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Graphs?.Dispose();
        model.Dispose();
        (tokenizer as IDisposable)?.Dispose();
    }
}
