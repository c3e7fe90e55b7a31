using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2's Conv1D: y = x·W + b with W stored [in, out] (the transpose of Linear).</summary>
internal sealed class Conv1D : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter? bias;
    private readonly Tensor _weightT;
    private readonly long _in;
    private readonly long _out;

    public Conv1D(WeightLoader w, string name, long inFeatures, long outFeatures) : this(w, name, inFeatures, outFeatures, TensorShard.Whole, ShardAxis.Output)
    {
    }

    /// <summary>
    /// <paramref name="shard"/>'s share of the layer (sizes are the whole layer's). Column-parallel
    /// (<see cref="ShardAxis.Output"/>): the outputs are <paramref name="blocks"/> equal blocks (3 for c_attn: q, k, v)
    /// and the rank takes its part of each, so its outputs are its q, k and v heads in that order. Row-parallel
    /// (<see cref="ShardAxis.Input"/>): its rows of the inputs, and the bias on rank 0 alone.
    /// </summary>
    public Conv1D(WeightLoader w, string name, long inFeatures, long outFeatures, TensorShard shard, ShardAxis axis, int blocks = 1) : base(name)
    {
        if (axis == ShardAxis.Output)
        {
            var block = outFeatures / blocks;
            var (offset, count) = shard.Range(block);
            var ranges = Enumerable.Range(0, blocks).Select(j => (j * block + offset, count)).ToArray();
            _in = inFeatures;
            _out = count * blocks;
            weight = w.LoadPart(name + ".weight", [inFeatures, outFeatures], 1, ranges);
            bias = w.LoadPart(name + ".bias", [outFeatures], 0, ranges);
        }
        else
        {
            var range = shard.Range(inFeatures);
            _in = range.Count;
            _out = outFeatures;
            weight = w.LoadPart(name + ".weight", [inFeatures, outFeatures], 0, range);
            bias = shard.AddsOnce ? w.Load(name + ".bias", outFeatures) : null;
        }
        register_parameter("weight", weight);
        if (bias is not null) register_parameter("bias", bias);
        _weightT = weight.t().DetachFromDisposeScope();
    }

    public Tensor Forward(Tensor x, FlopCounter? flops)
    {
        flops?.Matmul(x.numel() / _in, _in, _out);
        return nn.functional.linear(x, _weightT, bias);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _weightT.Dispose();
        base.Dispose(disposing);
    }
}
