using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Projections that read the same input (q/k/v, gate/up) stored as one [Σout, in] weight, so that one matmul replaces
/// several (fewer kernel launches in decode, larger GEMMs in prefill). Each part stays a <see cref="Linear"/> module
/// whose parameters are views into the fused tensors, so the module tree keeps the checkpoint's names. Quantizing the
/// fused weight equals quantizing each part: every scale belongs to one output row.
/// </summary>
internal sealed class FusedLinear : IDisposable
{
    private FusedLinear(LinearWeight weight, Tensor? bias)
    {
        Weight = weight;
        Bias = bias;
    }

    public LinearWeight Weight { get; }
    public Tensor? Bias { get; }

    /// <summary>
    /// Loads the parts (each checked by name and whole shape), fuses (and quantizes) them and returns the per-part
    /// modules. Under tensor parallelism each part is column-parallel: <paramref name="shard"/> takes its rows of every part.
    /// </summary>
    public static (FusedLinear Fused, Linear[] Parts) Load(WeightLoader w, string prefix, long inFeatures, (string Name, long Out)[] parts, bool hasBias,
        QuantizationScheme scheme, TensorShard shard)
    {
        var weights = parts.Select(p => (Tensor)w.LoadPart($"{prefix}.{p.Name}.weight", [p.Out, inFeatures], 0, shard.Range(p.Out))).ToArray();
        var biases = hasBias ? parts.Select(p => w.LoadPart($"{prefix}.{p.Name}.bias", [p.Out], 0, shard.Range(p.Out))).ToArray() : null;
        parts = parts.Select(p => (p.Name, shard.Range(p.Out).Count)).ToArray();
        var fusedWeight = w.Quantized(LinearWeight.Concatenate(weights, scheme, prefix + "." + string.Join("+", parts.Select(p => p.Name))));
        Tensor? fusedBias = null;
        if (biases is not null)
        {
            fusedBias = cat(biases, 0).DetachFromDisposeScope();
            foreach (var b in biases) b.Dispose();
        }

        var modules = new Linear[parts.Length];
        long offset = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var (stored, scales) = fusedWeight.Rows(offset, parts[i].Out);
            var part = fusedWeight.Scheme == QuantizationScheme.None
                ? LinearWeight.Dense(stored)
                : LinearWeight.Part(stored, scales!, fusedWeight.Scheme, inFeatures);
            var biasView = fusedBias is null ? null : new Parameter(fusedBias.narrow(0, offset, parts[i].Out), requires_grad: false);
            modules[i] = new Linear($"{prefix}.{parts[i].Name}", part, biasView);
            offset += parts[i].Out;
        }
        return (new FusedLinear(fusedWeight, fusedBias), modules);
    }

    /// <summary>[.., in] → [.., Σout]; the parts are consecutive slices of the last dimension.</summary>
    public Tensor Forward(Tensor x, FlopCounter? flops, RmsNorm? norm = null, ProjectionOutput output = ProjectionOutput.Plain) =>
        Projection.Apply(x, Weight, Bias, flops, norm, output);

    /// <summary>The q/k/v product with RoPE and the cache write in one kernel, or null where that kernel does not serve (<see cref="Projection.ApplyWithRope"/>).</summary>
    public Tensor? ForwardWithRope(Tensor x, FlopCounter? flops, RmsNorm? norm, Tensor cos, Tensor signedSin, Tensor index, Tensor keys, Tensor values,
        int heads, int kvHeads) =>
        Projection.ApplyWithRope(x, Weight, Bias, flops, norm, cos, signedSin, index, keys, values, heads, kvHeads);

    public void Dispose()
    {
        Weight.Dispose();
        Bias?.Dispose();
    }
}
