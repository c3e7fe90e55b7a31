using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2: "transformer" plus an LM head tied to wte (or "lm_head" when tie_word_embeddings is false).</summary>
internal sealed class Gpt2LMHeadModel : CausalLM
{
    public readonly Gpt2Model transformer;
    public readonly Linear? lm_head;
    private readonly Tensor? _tiedHeadCopy;

    public Gpt2LMHeadModel(WeightLoader w, ModelConfig c, PipelineSplit split) : base(c.Architecture, c, w.Dtype, split)
    {
        transformer = new Gpt2Model(w, "transformer", c, split);
        register_module("transformer", transformer);
        w.Device = split.Last;
        if (c.TieWordEmbeddings)
        {
            if (w.Contains("lm_head.weight")) w.Ignore("lm_head.weight");
            // the head sits on the last stage; a pipeline keeps a copy of wte there (not a parameter)
            if (split.IsPipeline) _tiedHeadCopy = transformer.wte.weight.to(split.Last).DetachFromDisposeScope();
        }
        else
        {
            lm_head = new Linear(w, "lm_head", c.HiddenSize, c.VocabSize, hasBias: false);
            register_module("lm_head", lm_head);
        }
    }

    public override Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false)
    {
        batch = WithAttentionChoice(batch);
        var h = transformer.Forward(inputIds, batch, lastOnly: !allPositions);
        Tensor logits;
        if (lm_head is not null)
        {
            logits = lm_head.Forward(h, batch.Flops);
        }
        else
        {
            batch.Flops?.Matmul(h.numel() / Config.HiddenSize, Config.HiddenSize, Config.VocabSize);
            logits = nn.functional.linear(h, _tiedHeadCopy ?? transformer.wte.weight);
        }
        logits = logits.to(ScalarType.Float32);
        return allPositions ? logits : logits.squeeze(1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _tiedHeadCopy?.Dispose();
        base.Dispose(disposing);
    }
}
