using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>LayerNorm with weight and bias (GPT-2).</summary>
internal sealed class LayerNorm : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter bias;
    private readonly long[] _shape;
    private readonly double _eps;

    public LayerNorm(WeightLoader w, string name, long size, double eps) : base(name)
    {
        _shape = [size];
        _eps = eps;
        weight = w.Load(name + ".weight", size);
        bias = w.Load(name + ".bias", size);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    public Tensor Forward(Tensor x) => nn.functional.layer_norm(x, _shape, weight, bias, _eps);
}
