using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// y = x·Wᵀ + b with W stored [out, in] (torch.nn.Linear layout), kept as a <see cref="LinearWeight"/>. A quantized
/// layer's "weight" parameter holds the packed values and "weight_scale" its fp16 scales.
/// </summary>
internal sealed class Linear : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter? weight_scale;
    public readonly Parameter? bias;
    private readonly LinearWeight? _owned;

    public Linear(WeightLoader w, string name, long inFeatures, long outFeatures, bool hasBias, QuantizationScheme scheme)
        : this(w, name, inFeatures, outFeatures, hasBias, scheme, TensorShard.Whole, ShardAxis.Output)
    {
    }

    /// <summary>
    /// <paramref name="shard"/>'s share of the layer: its rows of the outputs (<see cref="ShardAxis.Output"/>, bias rows
    /// with them) or its columns of the inputs (<see cref="ShardAxis.Input"/>, the bias on rank 0 alone, since the ranks'
    /// products are summed). <paramref name="inFeatures"/> and <paramref name="outFeatures"/> are the whole layer's.
    /// </summary>
    public Linear(WeightLoader w, string name, long inFeatures, long outFeatures, bool hasBias, QuantizationScheme scheme, TensorShard shard, ShardAxis axis)
        : this(name, w.Quantized(LinearWeight.From(LoadWeight(w, name, inFeatures, outFeatures, shard, axis), scheme, name)),
            LoadBias(w, name, outFeatures, hasBias, shard, axis), owns: true)
    {
    }

    private static Tensor LoadWeight(WeightLoader w, string name, long inFeatures, long outFeatures, TensorShard shard, ShardAxis axis) =>
        axis == ShardAxis.Output
            ? w.LoadPart(name + ".weight", [outFeatures, inFeatures], 0, shard.Range(outFeatures))
            : w.LoadPart(name + ".weight", [outFeatures, inFeatures], 1, shard.Range(inFeatures));

    private static Parameter? LoadBias(WeightLoader w, string name, long outFeatures, bool hasBias, TensorShard shard, ShardAxis axis)
    {
        if (!hasBias) return null;
        if (axis == ShardAxis.Output) return w.LoadPart(name + ".bias", [outFeatures], 0, shard.Range(outFeatures));
        return shard.AddsOnce ? w.Load(name + ".bias", outFeatures) : null;
    }

    /// <summary>Over part of a fused weight (views keep the checkpoint's names this way); the fused weight stays its owner's.</summary>
    public Linear(string name, LinearWeight weight, Parameter? bias) : this(name, weight, bias, owns: false)
    {
    }

    private Linear(string name, LinearWeight weight, Parameter? bias, bool owns) : base(name)
    {
        Weight = weight;
        _owned = owns ? weight : null;
        this.weight = weight.Stored;
        register_parameter("weight", this.weight);
        if (weight.Scales is { } scales)
        {
            weight_scale = scales;
            register_parameter("weight_scale", weight_scale);
        }
        this.bias = bias;
        if (bias is not null) register_parameter("bias", bias);
    }

    public LinearWeight Weight { get; }

    public Tensor Forward(Tensor x, FlopCounter? flops, RmsNorm? norm = null) => Projection.Apply(x, Weight, bias, flops, norm);

    /// <summary>
    /// <paramref name="residual"/> += x·Wᵀ in place and returns it (one GEMM with β = 1, or the GEMV's epilogue). Only for
    /// a residual that the caller owns.
    /// </summary>
    public Tensor ForwardInto(Tensor residual, Tensor x, FlopCounter? flops) =>
        Projection.Apply(x, Weight, bias, flops, output: ProjectionOutput.AddToResidual, residual: residual);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _owned?.Dispose();
        base.Dispose(disposing);
    }
}
