using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// A decoder layer as its two halves, each ending in a row-parallel projection: what tensor parallelism sums across
/// ranks. With <c>addResidual</c> a half returns input + its output (rank 0, and the whole layer on one device);
/// without, its output alone (the other ranks' partial sums).
/// </summary>
internal interface IDecoderBlock
{
    /// <summary>x + attention(norm(x)), or attention(norm(x)) alone; may return x itself, updated in place.</summary>
    Tensor AttentionHalf(Tensor x, LayerInputs inputs, ForwardBatch batch, bool addResidual);

    /// <summary>h + mlp(norm(h)), or mlp(norm(h)) alone; may return h itself, updated in place.</summary>
    Tensor MlpHalf(Tensor h, ForwardBatch batch, bool addResidual);
}
