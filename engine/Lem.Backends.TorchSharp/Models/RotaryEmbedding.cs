using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Rotary position embedding in the rotate-half convention of transformers. Cos and sin tables are computed in fp32,
/// stored in the model dtype on the model device, and grown when a longer sequence arrives. The sin table carries the
/// sign of rotate-half (−sin on the first half), so applying RoPE is x·cos + roll(x, d/2)·sin.
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly int _headDim;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly Tensor _invFreq;
    private Tensor? _cos;
    private Tensor? _sin;
    private long _length;

    public RotaryEmbedding(RopeScaling rope, int headDim, ScalarType dtype, Device device)
    {
        _headDim = headDim;
        _dtype = dtype;
        _device = device;
        _invFreq = InverseFrequencies(rope, headDim);
    }

    public static Tensor InverseFrequencies(RopeScaling rope, int headDim)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, headDim, 2, dtype: ScalarType.Int64).to(ScalarType.Float32).div_(headDim);
        var invFreq = pow(tensor((float)rope.Theta), exponents).reciprocal_();
        switch (rope.RopeType)
        {
            case "linear":
                invFreq = invFreq.div_(rope.Factor);
                break;
            case "llama3":
                invFreq = Llama3(invFreq, rope);
                break;
        }
        return invFreq.DetachFromDisposeScope();
    }

    // Llama 3.1: long wavelengths are divided by factor, short ones kept, and the band between interpolated smoothly.
    private static Tensor Llama3(Tensor invFreq, RopeScaling rope)
    {
        double oldLength = rope.OriginalMaxPositionEmbeddings;
        var lowFreqWavelength = oldLength / rope.LowFreqFactor;
        var highFreqWavelength = oldLength / rope.HighFreqFactor;
        var wavelength = invFreq.reciprocal().mul_(2 * Math.PI);
        var scaled = where(wavelength.gt(lowFreqWavelength), invFreq.div(rope.Factor), invFreq);
        var smooth = wavelength.reciprocal().mul_(oldLength).sub_(rope.LowFreqFactor).div_(rope.HighFreqFactor - rope.LowFreqFactor);
        var smoothed = smooth.neg().add_(1).mul_(scaled).div_(rope.Factor).add_(smooth.mul(scaled));
        var medium = wavelength.ge(highFreqWavelength).logical_and_(wavelength.le(lowFreqWavelength));
        return where(medium, smoothed, scaled);
    }

    /// <summary>Cos and signed-sin rows for position ids [b, q], shaped [b, q, 1, head_dim] to broadcast over heads.</summary>
    public (Tensor Cos, Tensor Sin) ForPositions(Tensor positionIds, long maxPosition)
    {
        EnsureLength(maxPosition + 1);
        var flat = positionIds.reshape(-1);
        var b = positionIds.shape[0];
        var q = positionIds.shape[1];
        var cos = _cos!.index_select(0, flat).view(b, q, 1, _headDim);
        var sin = _sin!.index_select(0, flat).view(b, q, 1, _headDim);
        return (cos, sin);
    }

    /// <summary>x [b, q, heads, head_dim] rotated by the position rows from <see cref="ForPositions"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin, int headDim) =>
        roll(x, headDim / 2, -1).mul_(signedSin).addcmul_(x, cos, 1);

    /// <summary>Builds the tables for <paramref name="positions"/> now, so that they never move later (CUDA graphs read them).</summary>
    public void Reserve(long positions) => EnsureLength(positions);

    private void EnsureLength(long length)
    {
        if (length <= _length) return;
        var newLength = Math.Max(length, Math.Max(2 * _length, 256));
        using var scope = NewDisposeScope();
        var positions = arange(newLength, dtype: ScalarType.Int64).to(ScalarType.Float32);
        var freqs = outer(positions, _invFreq);
        var emb = cat([freqs, freqs], -1);
        var half = _headDim / 2;
        var sin = emb.sin();
        sin.narrow(-1, 0, half).neg_();
        var cosTable = emb.cos().to(_dtype, _device).DetachFromDisposeScope();
        var sinTable = sin.to(_dtype, _device).DetachFromDisposeScope();
        _cos?.Dispose();
        _sin?.Dispose();
        _cos = cosTable;
        _sin = sinTable;
        _length = newLength;
    }

    public void Dispose()
    {
        _invFreq.Dispose();
        _cos?.Dispose();
        _sin?.Dispose();
    }
}
