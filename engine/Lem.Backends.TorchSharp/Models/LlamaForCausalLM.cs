using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>Llama 2/3/3.1/3.2, Mistral, Qwen2/2.5 and Qwen3: "model" plus "lm_head" (or the embeddings when tied).</summary>
internal sealed class LlamaForCausalLM : CausalLM
{
    public readonly LlamaModel model;
    public readonly Linear? lm_head;
    private readonly RotaryEmbedding _rotary;

    public LlamaForCausalLM(WeightLoader w, ModelConfig c) : base(c.Architecture, c, w.Dtype, w.Device)
    {
        model = new LlamaModel(w, "model", c);
        register_module("model", model);
        if (c.TieWordEmbeddings)
        {
            if (w.Contains("lm_head.weight")) w.Ignore("lm_head.weight");
        }
        else
        {
            lm_head = new Linear(w, "lm_head", c.HiddenSize, c.VocabSize, hasBias: false);
            register_module("lm_head", lm_head);
        }
        _rotary = new RotaryEmbedding(c.Rope!, c.HeadDim, w.Dtype, w.Device);
    }

    public override Tensor Forward(Tensor inputIds, ForwardBatch batch, bool allPositions = false)
    {
        batch = WithAttentionChoice(batch);
        var (cos, sin) = _rotary.ForPositions(batch.PositionIds, batch.MaxPosition);
        var h = model.Forward(inputIds, cos, sin, batch, lastOnly: !allPositions);
        Tensor logits;
        if (lm_head is not null)
        {
            logits = lm_head.Forward(h, batch.Flops);
        }
        else
        {
            batch.Flops?.Matmul(h.numel() / Config.HiddenSize, Config.HiddenSize, Config.VocabSize);
            logits = nn.functional.linear(h, model.embed_tokens.weight);
        }
        logits = logits.to(ScalarType.Float32);
        return allPositions ? logits : logits.squeeze(1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _rotary.Dispose();
        base.Dispose(disposing);
    }
}
