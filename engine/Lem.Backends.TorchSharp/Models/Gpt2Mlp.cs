using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>c_proj(gelu(c_fc(x))), gelu_new being the tanh approximation.</summary>
internal sealed class Gpt2Mlp : nn.Module
{
    public readonly Conv1D c_fc;
    public readonly Conv1D c_proj;
    private readonly bool _exactGelu;

    /// <param name="shard">The share of the inner units this module holds (tensor parallelism: column-parallel c_fc, row-parallel c_proj).</param>
    public Gpt2Mlp(WeightLoader w, string name, ModelConfig c, TensorShard shard) : base(name)
    {
        c_fc = new Conv1D(w, name + ".c_fc", c.HiddenSize, c.IntermediateSize, shard, ShardAxis.Output);
        c_proj = new Conv1D(w, name + ".c_proj", c.IntermediateSize, c.HiddenSize, shard, ShardAxis.Input);
        register_module("c_fc", c_fc);
        register_module("c_proj", c_proj);
        _exactGelu = c.HiddenAct == "gelu";
    }

    public Tensor Forward(Tensor x, FlopCounter? flops)
    {
        var h = c_fc.Forward(x, flops);
        h = _exactGelu ? h.gelu() : h.gelu(GELU.Approximate.tanh);
        return c_proj.Forward(h, flops);
    }
}
