using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Llama 2/3/3.1/3.2, Mistral, Qwen2/2.5 and Qwen3: "model" plus "lm_head" (or the embeddings when tied).</summary>
internal sealed class LlamaForCausalLM : CausalLM
{
    public readonly LlamaModel model;
    public readonly Linear? lm_head;
    private readonly RotaryEmbedding[] _rotary;
    private readonly Tensor? _tiedHeadCopy;

    public LlamaForCausalLM(WeightLoader w, ModelConfig c, PipelineSplit split) : base(c.Architecture, c, w.Dtype, split)
    {
        model = new LlamaModel(w, "model", c, split);
        register_module("model", model);
        w.Device = split.Last;
        if (c.TieWordEmbeddings)
        {
            if (w.Contains("lm_head.weight")) w.Ignore("lm_head.weight");
            // the head sits on the last stage; a pipeline keeps a copy of the embeddings there (not a parameter)
            if (split.IsPipeline) _tiedHeadCopy = model.embed_tokens.weight.to(split.Last).DetachFromDisposeScope();
        }
        else
        {
            lm_head = new Linear(w, "lm_head", c.HiddenSize, c.VocabSize, hasBias: false);
            register_module("lm_head", lm_head);
        }
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
        Tensor logits;
        if (lm_head is not null)
        {
            logits = lm_head.Forward(h, batch.Flops);
        }
        else
        {
            batch.Flops?.Matmul(h.numel() / Config.HiddenSize, Config.HiddenSize, Config.VocabSize);
            logits = nn.functional.linear(h, _tiedHeadCopy ?? model.embed_tokens.weight);
        }
        logits = logits.to(ScalarType.Float32);
        return allPositions ? logits : logits.squeeze(1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var rotary in _rotary) rotary.Dispose();
            _tiedHeadCopy?.Dispose();
        }
        base.Dispose(disposing);
    }
}
