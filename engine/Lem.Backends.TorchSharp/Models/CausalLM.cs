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

    /// <summary>Which device holds which decoder layers (one stage without a pipeline).</summary>
    public PipelineSplit Split { get; }

    /// <summary>An empty KV cache for <paramref name="rows"/> sequences, each layer's part on that layer's device.</summary>
    public KvCache NewKvCache(long rows, long capacity) =>
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
    /// All parameters of the checkpoint, counted as loaded (a quantized [out, in] weight counts out·in, its scales none);
    /// a tied LM head is not a parameter of its own, so it is counted once.
    /// </summary>
    public long ParameterCount =>
        named_parameters().Sum(p => p.parameter.numel())
        - QuantizedWeights.Sum(w => w.Stored.numel() + w.Scales!.numel() - w.OutFeatures * w.InFeatures);

    /// <summary>Bytes of parameters as stored on the device (quantized weights: packed values and scales).</summary>
    public long WeightBytes => named_parameters().Sum(p => p.parameter.numel() * p.parameter.element_size());

    /// <summary>Bytes of the quantized weights with their scales (0 without quantization).</summary>
    public long QuantizedWeightBytes => QuantizedWeights.Sum(w => w.StoredBytes);
}
