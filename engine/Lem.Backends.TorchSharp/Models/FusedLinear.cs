using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Projections that read the same input (q/k/v, gate/up) stored as one [Σout, in] weight, so that one matmul replaces
/// several (fewer kernel launches in decode, larger GEMMs in prefill). Each part stays a <see cref="Linear"/> module
/// whose parameters are views into the fused tensors, so the module tree keeps the checkpoint's names.
/// </summary>
internal sealed class FusedLinear : IDisposable
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;
    private readonly long _in;
    private readonly long _out;

    private FusedLinear(Tensor weight, Tensor? bias)
    {
        _weight = weight;
        _bias = bias;
        _out = weight.shape[0];
        _in = weight.shape[1];
    }

    /// <summary>Loads the parts (each checked by name and shape), fuses them and returns the per-part modules.</summary>
    public static (FusedLinear Fused, Linear[] Parts) Load(WeightLoader w, string prefix, long inFeatures, (string Name, long Out)[] parts, bool hasBias)
    {
        var weights = parts.Select(p => w.Load($"{prefix}.{p.Name}.weight", p.Out, inFeatures)).ToArray();
        var biases = hasBias ? parts.Select(p => w.Load($"{prefix}.{p.Name}.bias", p.Out)).ToArray() : null;
        var fusedWeight = Concatenate(weights);
        var fusedBias = biases is null ? null : Concatenate(biases);

        var modules = new Linear[parts.Length];
        long offset = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var weightView = new Parameter(fusedWeight.narrow(0, offset, parts[i].Out), requires_grad: false);
            var biasView = fusedBias is null ? null : new Parameter(fusedBias.narrow(0, offset, parts[i].Out), requires_grad: false);
            modules[i] = new Linear($"{prefix}.{parts[i].Name}", weightView, biasView);
            offset += parts[i].Out;
        }
        return (new FusedLinear(fusedWeight, fusedBias), modules);
    }

    private static Tensor Concatenate(Parameter[] parts)
    {
        var fused = cat(parts, 0).DetachFromDisposeScope();
        foreach (var p in parts) p.Dispose();
        return fused;
    }

    /// <summary>[.., in] → [.., Σout]; the parts are consecutive slices of the last dimension.</summary>
    public Tensor Forward(Tensor x, FlopCounter? flops)
    {
        flops?.Matmul(x.numel() / _in, _in, _out);
        return nn.functional.linear(x, _weight, _bias);
    }

    public void Dispose()
    {
        _weight.Dispose();
        _bias?.Dispose();
    }
}
