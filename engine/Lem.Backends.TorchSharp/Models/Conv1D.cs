using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2's Conv1D: y = x·W + b with W stored [in, out] (the transpose of Linear).</summary>
internal sealed class Conv1D : nn.Module
{
    public readonly Parameter weight;
    public readonly Parameter bias;
    private readonly Tensor _weightT;
    private readonly long _in;
    private readonly long _out;

    public Conv1D(WeightLoader w, string name, long inFeatures, long outFeatures) : base(name)
    {
        _in = inFeatures;
        _out = outFeatures;
        weight = w.Load(name + ".weight", inFeatures, outFeatures);
        bias = w.Load(name + ".bias", outFeatures);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
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
