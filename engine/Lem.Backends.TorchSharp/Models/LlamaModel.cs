using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>The "model" part of *ForCausalLM: embed_tokens, layers, norm.</summary>
internal sealed class LlamaModel : nn.Module
{
    public readonly Embedding embed_tokens;
    public readonly ModuleList<LlamaDecoderLayer> layers;
    public readonly RmsNorm norm;

    public LlamaModel(WeightLoader w, string name, ModelConfig c) : base(name)
    {
        embed_tokens = new Embedding(w, name + ".embed_tokens", c.VocabSize, c.HiddenSize);
        var blocks = new LlamaDecoderLayer[c.NumHiddenLayers];
        for (var i = 0; i < blocks.Length; i++)
            blocks[i] = new LlamaDecoderLayer(w, $"{name}.layers.{i}", c, i);
        layers = new ModuleList<LlamaDecoderLayer>(blocks);
        norm = new RmsNorm(w, name + ".norm", c.HiddenSize, c.NormEps);
        register_module("embed_tokens", embed_tokens);
        register_module("layers", layers);
        register_module("norm", norm);
    }

    /// <summary>Final hidden states [b, q', hidden]: all positions, or only the last when <paramref name="lastOnly"/>.</summary>
    public Tensor Forward(Tensor ids, Tensor cos, Tensor sin, ForwardBatch batch, bool lastOnly)
    {
        var h = embed_tokens.Forward(ids);
        foreach (var layer in layers)
        {
            // TorchSharp frees intermediates only when their dispose scope ends: one scope per layer keeps a long
            // prefill from holding every layer's activations at once (a 32 × 2048-token prefill ran out of 80 GB).
            Tensor next;
            using (NewDisposeScope())
                next = layer.Forward(h, cos, sin, batch).MoveToOuterDisposeScope();
            h.Dispose();
            h = next;
        }
        if (lastOnly && h.shape[1] > 1)
            h = h.narrow(1, h.shape[1] - 1, 1);
        return norm.Forward(h);
    }
}
