using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// One rank's share of a tensor-split model, as the pieces that <see cref="TensorParallelLM"/> runs on every rank in
/// lockstep, summing across ranks where a piece ends in partial sums.
/// </summary>
internal interface ITensorShardModel
{
    /// <summary>Token embeddings of ids [b, q] from this rank's vocabulary rows, zero for the other ids: summed across ranks, the embeddings.</summary>
    Tensor EmbedTokens(Tensor ids);

    /// <summary>What every rank adds to the summed token embeddings (GPT-2's learned positions, in place); returns the result.</summary>
    Tensor AddPositions(Tensor h, ForwardBatch batch);

    /// <summary>What every layer of this rank takes from the batch (the RoPE rows, from this rank's tables).</summary>
    LayerInputs LayerInputs(ForwardBatch batch);

    /// <summary>This rank's share of every decoder layer, in layer order.</summary>
    IReadOnlyList<IDecoderBlock> Blocks { get; }

    /// <summary>fp32 logits of this rank's vocabulary rows from the final hidden states (the final norm applied here).</summary>
    Tensor Logits(Tensor h, ForwardBatch batch, bool allPositions);
}
