using Lem.Backends.TorchSharp.Collectives;
using Lem.Backends.TorchSharp.Generation;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// A model split by tensor parallelism (Megatron-style) over the ranks of a <see cref="TensorSplit"/>, driven by one
/// thread: each rank is the family's model built with its <see cref="TensorShard"/> on its device (registered as
/// <c>rank0</c>, <c>rank1</c>, ...). A forward runs every piece on every rank in rank order (on CUDA the ranks' kernels
/// are queued on their own devices and overlap) and sums across ranks with an <see cref="IAllReduce"/>:
/// <list type="number">
/// <item>embeddings: each rank looks up its vocabulary rows (zeros elsewhere); the sum is the embedding, exactly;</item>
/// <item>every layer: attention over the rank's heads ending in its rows of o_proj, summed; then the MLP over its units
/// ending in its rows of down_proj, summed. Rank 0 adds the residual (and a row-parallel bias) into its partial;</item>
/// <item>the final norm on every rank, the LM head over its vocabulary rows; the logits are gathered on rank 0's device.</item>
/// </list>
/// Each rank keeps the whole hidden state (a replica), its own RoPE tables and the keys and values of its heads.
/// </summary>
internal sealed class TensorParallelLM : CausalLM
{
    private readonly CausalLM[] _ranks;
    private readonly ITensorShardModel[] _shards;
    private readonly IAllReduce _reduce;

    /// <param name="ranks">The family's model per rank, built with that rank's shard on its device; this model owns them.</param>
    /// <param name="reduce">The all-reduce across the ranks; this model owns it.</param>
    public TensorParallelLM(ModelConfig c, ScalarType dtype, TensorSplit split, IReadOnlyList<CausalLM> ranks, IAllReduce reduce)
        : base(c.Architecture, c, dtype, PipelineSplit.Single(split.Ranks[0].DeviceName, split.First, c.NumHiddenLayers))
    {
        TensorSplit = split;
        _ranks = ranks.ToArray();
        _shards = ranks.Cast<ITensorShardModel>().ToArray();
        _reduce = reduce;
        for (var r = 0; r < _ranks.Length; r++) register_module($"rank{r}", _ranks[r]);
    }

    /// <summary>What sums across the ranks (NCCL, or the in-process sum and why).</summary>
    public string AllReduceDescription => _reduce.Description;

    public override IReadOnlyList<Device> Devices => TensorSplit!.DistinctDevices.Select(r => r.Device).ToArray();

    /// <summary>One KV-cache slot per rank and layer (slot rank · layers + layer), on the rank's device, holding the rank's key/value heads.</summary>
    public override KvCache NewKvCache(long rows, long capacity)
    {
        var layers = Config.NumHiddenLayers;
        var slots = TensorSplit!.Ranks.SelectMany(r => Enumerable.Repeat(r.Device, layers)).ToArray();
        return new KvCache(rows, Config.NumKeyValueHeads / TensorSplit.Count, capacity, Config.HeadDim, Dtype, slots);
    }

    public override void ReservePositionTables(long positions)
    {
        foreach (var rank in _ranks) rank.ReservePositionTables(positions);
    }

    public override Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false)
    {
        batch = WithAttentionChoice(batch);
        var ranks = TensorSplit!.Ranks;
        var n = ranks.Count;
        // positions, mask and write index cross to every rank's device once per forward (no copy on rank 0's device)
        var batches = ranks.Select((r, i) => i == 0 ? batch : batch.On(r.Device)).ToArray();
        var hs = new Tensor[n];
        for (var r = 0; r < n; r++) hs[r] = _shards[r].EmbedTokens(inputIds.to(ranks[r].Device));
        _reduce.SumInPlace(hs);
        for (var r = 0; r < n; r++) hs[r] = _shards[r].AddPositions(hs[r], batches[r]);
        var inputs = batches.Select((b, r) => _shards[r].LayerInputs(b)).ToArray();

        for (var layer = 0; layer < Config.NumHiddenLayers; layer++)
            hs = Layer(layer, hs, inputs, batches);

        var logits = new Tensor[n];
        for (var r = 0; r < n; r++)
        {
            var h = !allPositions && hs[r].shape[1] > 1 ? hs[r].narrow(1, hs[r].shape[1] - 1, 1).contiguous() : hs[r];
            logits[r] = _shards[r].Logits(h, batches[r], allPositions).to(Device);
        }
        return cat(logits, -1);
    }

    /// <summary>
    /// One decoder layer on every rank: the attention halves, their sum, the MLP halves, their sum. Returns each rank's
    /// hidden state after the layer (rank 0's is its input, updated in place, for the Llama family).
    /// </summary>
    private Tensor[] Layer(int layer, Tensor[] hs, LayerInputs[] inputs, ForwardBatch[] batches)
    {
        var n = hs.Length;
        var next = new Tensor[n];
        // one dispose scope per layer, as in the single-device models: intermediates are freed layer by layer
        using (NewDisposeScope())
        {
            for (var r = 0; r < n; r++) next[r] = _shards[r].Blocks[layer].AttentionHalf(hs[r], inputs[r], batches[r], addResidual: r == 0);
            _reduce.SumInPlace(next);
            for (var r = 0; r < n; r++) next[r] = _shards[r].Blocks[layer].MlpHalf(next[r], batches[r], addResidual: r == 0);
            _reduce.SumInPlace(next);
            for (var r = 0; r < n; r++)
                if (!ReferenceEquals(next[r], hs[r])) next[r].MoveToOuterDisposeScope();
        }
        for (var r = 0; r < n; r++)
            if (!ReferenceEquals(next[r], hs[r])) hs[r].Dispose();
        return next;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _reduce.Dispose();
        base.Dispose(disposing);
    }
}
