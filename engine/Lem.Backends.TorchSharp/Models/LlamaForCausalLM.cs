using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Llama 2/3/3.1/3.2, Mistral, Qwen2/2.5 and Qwen3: "model" plus "lm_head" (or the embeddings when tied).</summary>
internal sealed class LlamaForCausalLM : CausalLM
{
    public readonly LlamaModel model;
    public readonly Linear? lm_head;
    private readonly RotaryEmbedding[] _rotary;
    private readonly LmHead _head;

    public LlamaForCausalLM(WeightLoader w, ModelConfig c, PipelineSplit split) : base(c.Architecture, c, w.Dtype, split)
    {
        model = new LlamaModel(w, "model", c, split);
        register_module("model", model);
        (_head, lm_head) = LmHead.Load(w, c, split, model.embed_tokens);
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
