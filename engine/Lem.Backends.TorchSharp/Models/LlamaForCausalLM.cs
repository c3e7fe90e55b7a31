using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Llama 2/3/3.1/3.2, Mistral, Qwen2/2.5 and Qwen3: "model" plus "lm_head" (or the embeddings when tied).</summary>
internal sealed class LlamaForCausalLM : CausalLM, ITensorShardModel
{
    public readonly LlamaModel model;
    public readonly Linear? lm_head;
    private readonly RotaryEmbedding[] _rotary;
    private readonly LmHead _head;

    /// <param name="shard">The share of every layer to hold (<see cref="TensorShard.Whole"/> but for a rank of a <see cref="TensorParallelLM"/>).</param>
    public LlamaForCausalLM(WeightLoader w, ModelConfig c, PipelineSplit split, TensorShard shard) : base(c.Architecture, c, w.Dtype, split)
    {
        model = new LlamaModel(w, "model", c, split, shard);
        register_module("model", model);
        (_head, lm_head) = LmHead.Load(w, c, split, model.embed_tokens, shard);
        if (lm_head is not null) register_module("lm_head", lm_head);
        _rotary = split.Stages.Select(s => new RotaryEmbedding(c.Rope!, c.HeadDim, w.Dtype, s.Device)).ToArray();
    }

    public override void ReservePositionTables(long positions)
    {
        foreach (var rotary in _rotary) rotary.Reserve(positions);
    }

    public override Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false)
    {
        batch = WithAttentionChoice(batch);
        var h = model.Forward(inputIds, _rotary, batch, lastOnly: !allPositions);
        return _head.Logits(h, batch, allPositions, model.norm);
    }

    Tensor ITensorShardModel.EmbedTokens(Tensor ids) => model.embed_tokens.Forward(ids);

    Tensor ITensorShardModel.AddPositions(Tensor h, ForwardBatch batch) => h;

    LayerInputs ITensorShardModel.LayerInputs(ForwardBatch batch)
    {
        var (cos, sin) = _rotary[0].ForPositions(batch.PositionIds, batch.MaxPosition);
        return new LayerInputs(cos, sin);
    }

    IReadOnlyList<IDecoderBlock> ITensorShardModel.Blocks => model.Blocks;

    Tensor ITensorShardModel.Logits(Tensor h, ForwardBatch batch, bool allPositions) => _head.Logits(h, batch, allPositions, model.norm);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var rotary in _rotary) rotary.Dispose();
            _head.Dispose();
        }
        base.Dispose(disposing);
    }
}
