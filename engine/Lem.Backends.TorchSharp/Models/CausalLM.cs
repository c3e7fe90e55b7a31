using Lem.Backends.TorchSharp.Generation;
using Lem.Backends.TorchSharp.Quantization;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// A decoder-only language model whose parameter names (<see cref="nn.Module.named_parameters"/>) equal the
/// checkpoint's tensor names. Built by <see cref="ModelBuilder"/>.
/// </summary>
public abstract class CausalLM : nn.Module
{
    protected CausalLM(string name, ModelConfig config, ScalarType dtype, PipelineSplit split) : base(name)
    {
        Config = config;
        Dtype = dtype;
        Split = split;
    }

    public ModelConfig Config { get; }
    public ScalarType Dtype { get; }

    /// <summary>The device of the embeddings: input ids, positions and masks are made here.</summary>
    public Device Device => Split.First;

    /// <summary>The device of the LM head: logits come out here (the same as <see cref="Device"/> without a pipeline).</summary>
    public Device OutputDevice => Split.Last;

    /// <summary>Which device holds which decoder layers (one stage without a pipeline, and for a tensor split).</summary>
    public PipelineSplit Split { get; }

    /// <summary>How every layer is split across devices (tensor parallelism); null when each layer is whole on one device.</summary>
    public TensorSplit? TensorSplit { get; protected init; }

    /// <summary>Every device the model runs on, each once: the stages of a pipeline, the ranks of a tensor split.</summary>
    public virtual IReadOnlyList<Device> Devices => Split.Stages.DistinctBy(s => s.DeviceName).Select(s => s.Device).ToArray();

    /// <summary>An empty KV cache for <paramref name="rows"/> sequences, each layer's part on that layer's device.</summary>
    public virtual KvCache NewKvCache(long rows, long capacity) =>
        new(rows, Config.NumKeyValueHeads, capacity, Config.HeadDim, Dtype, Split.LayerDevices);

    /// <summary>
    /// Builds any position tables (RoPE) for <paramref name="positions"/> positions at once. CUDA graphs read those
    /// tables by address, so they must not be regrown (moved) after a capture; the backend calls this before any.
    /// </summary>
    public virtual void ReservePositionTables(long positions)
    {
    }

    /// <summary>torchsharp.attention = eager: explicit matmul-softmax attention instead of SDPA (set at load).</summary>
    public bool ExplicitAttention { get; set; }

    /// <summary>The batch with this model's attention choice applied (called by each family's <see cref="Forward"/>).</summary>
    protected ForwardBatch WithAttentionChoice(ForwardBatch batch) =>
        ExplicitAttention && !batch.ExplicitAttention ? batch with { ExplicitAttention = true } : batch;

    /// <summary>
    /// Runs the model on ids [b, q] (on any device; the batch's tensors on <see cref="Device"/>), writing keys and values into the cache at <see cref="ForwardBatch.CacheOffset"/>.
    /// Returns fp32 logits on <see cref="OutputDevice"/> of the last position [b, vocab], or of every position [b, q, vocab] when
    /// <paramref name="allPositions"/> is set.
    /// </summary>
    public abstract Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false);

    /// <summary>How the linear layers are stored (see <see cref="QuantizationSchemes.Describe"/>).</summary>
    public QuantizationScheme Quantization { get; internal set; }

    /// <summary>The quantized weights (their owners; the module tree registers them, or views of them, as parameters).</summary>
    internal IReadOnlyList<LinearWeight> QuantizedWeights { get; set; } = [];

    /// <summary>
    /// All parameters of the checkpoint, each tensor counted whole and once as the model loaded it (a quantized
    /// [out, in] weight counts out·in, its scales none; a tied LM head is not a parameter of its own; a tensor split
    /// counts a weight split across ranks once and a norm that every rank holds once). Set by <see cref="ModelBuilder"/>.
    /// </summary>
    public long ParameterCount { get; internal set; }

    /// <summary>Bytes of parameters as stored on the devices, all of them (quantized weights: packed values and scales;
    /// a tensor split: every rank's share, and what every rank holds whole counted on each).</summary>
    public long WeightBytes => named_parameters().Sum(p => p.parameter.numel() * p.parameter.element_size());

    /// <summary>Bytes of the quantized weights with their scales (0 without quantization).</summary>
    public long QuantizedWeightBytes => QuantizedWeights.Sum(w => w.StoredBytes);
}
