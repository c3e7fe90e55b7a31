using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>down_proj(silu(gate_proj(x)) · up_proj(x)), gate and up run as one fused projection.</summary>
internal sealed class LlamaMlp : nn.Module
{
    public readonly Linear gate_proj;
    public readonly Linear up_proj;
    public readonly Linear down_proj;
    private readonly FusedLinear _gateUp;

    /// <param name="shard">The share of the intermediate units this module holds (tensor parallelism: column-parallel
    /// gate/up, row-parallel down).</param>
    public LlamaMlp(WeightLoader w, string name, ModelConfig c, TensorShard shard) : base(name)
    {
        long intermediate = c.IntermediateSize;
        var (gateUp, parts) = FusedLinear.Load(w, name, c.HiddenSize, [("gate_proj", intermediate), ("up_proj", intermediate)], c.MlpBias, w.Quantization, shard);
        _gateUp = gateUp;
        (gate_proj, up_proj) = (parts[0], parts[1]);
        down_proj = new Linear(w, name + ".down_proj", intermediate, c.HiddenSize, c.MlpBias, w.Quantization, shard, ShardAxis.Input);
        register_module("gate_proj", gate_proj);
        register_module("up_proj", up_proj);
        register_module("down_proj", down_proj);
    }

    /// <summary>residual + mlp(norm(x)), written into <paramref name="residual"/> (which the caller owns) and returned.</summary>
    public Tensor ForwardInto(Tensor residual, Tensor x, RmsNorm? norm, FlopCounter? flops)
    {
        var hidden = _gateUp.Forward(x, flops, norm, ProjectionOutput.SiluMul);
        return down_proj.ForwardInto(residual, hidden, flops);
    }

    /// <summary>mlp(norm(x)) as a new tensor (a tensor-parallel rank's partial sum).</summary>
    public Tensor Forward(Tensor x, RmsNorm? norm, FlopCounter? flops)
    {
        var hidden = _gateUp.Forward(x, flops, norm, ProjectionOutput.SiluMul);
        return down_proj.Forward(hidden, flops);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gateUp.Dispose();
        base.Dispose(disposing);
    }
}
