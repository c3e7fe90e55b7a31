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

    public Linear(WeightLoader w, string name, long inFeatures, long outFeatures, bool hasBias)
        : this(name, w.Load(name + ".weight", outFeatures, inFeatures), hasBias ? w.Load(name + ".bias", outFeatures) : null)
    {
    }

    /// <summary>Over given parameters (views into a fused weight keep their checkpoint names this way).</summary>
    public Linear(string name, Parameter weight, Parameter? bias) : base(name)
    {
        _out = weight.shape[0];
        _in = weight.shape[1];
        this.weight = weight;
        this.bias = bias;
        register_parameter("weight", weight);
        if (bias is not null) register_parameter("bias", bias);
    }

    public Tensor Forward(Tensor x, FlopCounter? flops)
    {
        flops?.Matmul(x.numel() / _in, _in, _out);
        return nn.functional.linear(x, weight, bias);
    }

    /// <summary>
    /// <paramref name="residual"/> += x·Wᵀ in place, as one GEMM with β = 1 (no separate add kernel), and returns it.
    /// Only for a residual that the caller owns; with a bias or a non-contiguous residual it is a linear and an add.
    /// </summary>
    public Tensor ForwardInto(Tensor residual, Tensor x, FlopCounter? flops)
    {
        if (bias is not null || !residual.is_contiguous()) return residual.add_(Forward(x, flops));
        flops?.Matmul(x.numel() / _in, _in, _out);
        residual.view(-1, _out).addmm_(x.reshape(-1, _in), weight.t());
        return residual;
    }
}
