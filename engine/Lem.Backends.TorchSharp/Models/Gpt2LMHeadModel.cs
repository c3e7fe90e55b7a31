using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2: "transformer" plus an LM head tied to wte (or "lm_head" when tie_word_embeddings is false).</summary>
internal sealed class Gpt2LMHeadModel : CausalLM
{
    public readonly Gpt2Model transformer;
    public readonly Linear? lm_head;
    private readonly LmHead _head;

    public Gpt2LMHeadModel(WeightLoader w, ModelConfig c, PipelineSplit split) : base(c.Architecture, c, w.Dtype, split)
    {
        transformer = new Gpt2Model(w, "transformer", c, split);
        register_module("transformer", transformer);
        (_head, lm_head) = LmHead.Load(w, c, split, transformer.wte);
        if (lm_head is not null) register_module("lm_head", lm_head);
    }

    public override Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false)
    {
        batch = WithAttentionChoice(batch);
        var h = transformer.Forward(inputIds, batch, lastOnly: !allPositions);
        return _head.Logits(h, batch, allPositions);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _head.Dispose();
        base.Dispose(disposing);
    }
}
