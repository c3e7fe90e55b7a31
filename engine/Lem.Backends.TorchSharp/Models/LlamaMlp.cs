using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>down_proj(silu(gate_proj(x)) · up_proj(x)).</summary>
internal sealed class LlamaMlp : nn.Module
{
    public readonly Linear gate_proj;
    public readonly Linear up_proj;
    public readonly Linear down_proj;

    public LlamaMlp(WeightLoader w, string name, ModelConfig c) : base(name)
    {
        gate_proj = new Linear(w, name + ".gate_proj", c.HiddenSize, c.IntermediateSize, c.MlpBias);
        up_proj = new Linear(w, name + ".up_proj", c.HiddenSize, c.IntermediateSize, c.MlpBias);
        down_proj = new Linear(w, name + ".down_proj", c.IntermediateSize, c.HiddenSize, c.MlpBias);
        register_module("gate_proj", gate_proj);
        register_module("up_proj", up_proj);
        register_module("down_proj", down_proj);
    }

    public Tensor Forward(Tensor x, FlopCounter? flops)
    {
        var gate = nn.functional.silu(gate_proj.Forward(x, flops), inplace: true);
        return down_proj.Forward(gate.mul_(up_proj.Forward(x, flops)), flops);
    }
}
