using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>y = x·Wᵀ + b with W stored [out, in] (torch.nn.Linear layout).</summary>
internal sealed class Linear : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter? bias;
    private readonly long _in;
    private readonly long _out;

    public Linear(WeightLoader w, string name, long inFeatures, long outFeatures, bool hasBias) : base(name)
    {
        _in = inFeatures;
        _out = outFeatures;
        weight = w.Load(name + ".weight", outFeatures, inFeatures);
        register_parameter("weight", weight);
        if (hasBias)
        {
            bias = w.Load(name + ".bias", outFeatures);
            register_parameter("bias", bias);
        }
    }

    public Tensor Forward(Tensor x, FlopCounter? flops)
    {
        flops?.Matmul(x.numel() / _in, _in, _out);
        return nn.functional.linear(x, weight, bias);
    }
}
