using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>The "transformer" part of GPT2LMHeadModel: wte, wpe (learned positions), h, ln_f.</summary>
internal sealed class Gpt2Model : nn.Module
{
    public readonly Embedding wte;
    public readonly Embedding wpe;
    public readonly ModuleList<Gpt2Block> h;
    public readonly LayerNorm ln_f;

    public Gpt2Model(WeightLoader w, string name, ModelConfig c) : base(name)
    {
        wte = new Embedding(w, name + ".wte", c.VocabSize, c.HiddenSize);
        wpe = new Embedding(w, name + ".wpe", c.MaxPositionEmbeddings, c.HiddenSize);
        var blocks = new Gpt2Block[c.NumHiddenLayers];
        for (var i = 0; i < blocks.Length; i++)
            blocks[i] = new Gpt2Block(w, $"{name}.h.{i}", c, i);
        h = new ModuleList<Gpt2Block>(blocks);
        ln_f = new LayerNorm(w, name + ".ln_f", c.HiddenSize, c.NormEps);
        register_module("wte", wte);
        register_module("wpe", wpe);
        register_module("h", h);
        register_module("ln_f", ln_f);
    }

    public Tensor Forward(Tensor ids, ForwardBatch batch, bool lastOnly)
    {
        var x = wte.Forward(ids).add_(wpe.Forward(batch.PositionIds));
        foreach (var block in h)
        {
            // one dispose scope per block, as in LlamaModel: intermediates are freed block by block
            Tensor next;
            using (NewDisposeScope())
                next = block.Forward(x, batch).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        if (lastOnly && x.shape[1] > 1)
            x = x.narrow(1, x.shape[1] - 1, 1);
        return ln_f.Forward(x);
    }
}
