using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2: "transformer" plus an LM head tied to wte (or "lm_head" when tie_word_embeddings is false).</summary>
internal sealed class Gpt2LMHeadModel : CausalLM, ITensorShardModel
{
    public readonly Gpt2Model transformer;
    public readonly Linear? lm_head;
    private readonly LmHead _head;

    /// <param name="shard">The share of every layer to hold (<see cref="TensorShard.Whole"/> but for a rank of a <see cref="TensorParallelLM"/>).</param>
    public Gpt2LMHeadModel(WeightLoader w, ModelConfig c, PipelineSplit split, TensorShard shard) : base(c.Architecture, c, w.Dtype, split)
    {
        transformer = new Gpt2Model(w, "transformer", c, split, shard);
        register_module("transformer", transformer);
        (_head, lm_head) = LmHead.Load(w, c, split, transformer.wte, shard);
        if (lm_head is not null) register_module("lm_head", lm_head);
    }

    public override Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false)
    {
        batch = WithAttentionChoice(batch);
        var h = transformer.Forward(inputIds, batch, lastOnly: !allPositions);
        return _head.Logits(h, batch, allPositions);
    }

    Tensor ITensorShardModel.EmbedTokens(Tensor ids) => transformer.wte.Forward(ids);

    Tensor ITensorShardModel.AddPositions(Tensor h, ForwardBatch batch) => h.add_(transformer.wpe.Forward(batch.PositionIds));

    LayerInputs ITensorShardModel.LayerInputs(ForwardBatch batch) => default;

    IReadOnlyList<IDecoderBlock> ITensorShardModel.Blocks => transformer.Blocks;

    Tensor ITensorShardModel.Logits(Tensor h, ForwardBatch batch, bool allPositions) => _head.Logits(transformer.ln_f.Forward(h), batch, allPositions);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _head.Dispose();
        base.Dispose(disposing);
    }
}
