using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// The "transformer" part of GPT2LMHeadModel: wte, wpe (learned positions), h, ln_f (placed on devices by a
/// <see cref="PipelineSplit"/>; under tensor parallelism, one rank's share: its rows of wte, its share of every block,
/// wpe and the layer norms whole).
/// </summary>
internal sealed class Gpt2Model : nn.Module
{
    public readonly Embedding wte;
    public readonly Embedding wpe;
    public readonly ModuleList<Gpt2Block> h;
    public readonly LayerNorm ln_f;
    private readonly PipelineSplit _split;

    /// <summary>The decoder layers in order (what <see cref="h"/> registers).</summary>
    public IReadOnlyList<Gpt2Block> Blocks { get; }

    public Gpt2Model(WeightLoader w, string name, ModelConfig c, PipelineSplit split, TensorShard shard) : base(name)
    {
        _split = split;
        w.Device = split.First;
        wte = new Embedding(w, name + ".wte", c.VocabSize, c.HiddenSize, QuantizationScheme.None, shard);
        wpe = new Embedding(w, name + ".wpe", c.MaxPositionEmbeddings, c.HiddenSize);
        var blocks = new Gpt2Block[c.NumHiddenLayers];
        for (var i = 0; i < blocks.Length; i++)
        {
            w.Device = split.DeviceOfLayer(i);
            blocks[i] = new Gpt2Block(w, $"{name}.h.{i}", c, i, shard);
        }
        h = new ModuleList<Gpt2Block>(blocks);
        Blocks = blocks;
        w.Device = split.Last;
        ln_f = new LayerNorm(w, name + ".ln_f", c.HiddenSize, c.NormEps);
        register_module("wte", wte);
        register_module("wpe", wpe);
        register_module("h", h);
        register_module("ln_f", ln_f);
    }

    /// <summary>Final hidden states [b, q', hidden] on the last stage's device.</summary>
    public Tensor Forward(Tensor ids, ForwardBatch batch, bool lastOnly)
    {
        var x = wte.Forward(_split.IsPipeline ? ids.to(_split.First) : ids).add_(wpe.Forward(batch.PositionIds));
        for (var s = 0; s < _split.Stages.Count; s++)
        {
            var stage = _split.Stages[s];
            var stageBatch = batch;
            if (s > 0)
            {
                // mask and write index cross once per stage, with the hidden states
                stageBatch = batch.On(stage.Device);
                var moved = x.to(stage.Device);
                x.Dispose();
                x = moved;
            }
            for (var i = stage.FirstLayer; i < stage.FirstLayer + stage.LayerCount; i++)
            {
                // one dispose scope per block, as in LlamaModel: intermediates are freed block by block
                Tensor next;
                using (NewDisposeScope())
                    next = h[i].Forward(x, stageBatch).MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
            }
        }
        if (lastOnly && x.shape[1] > 1)
            x = x.narrow(1, x.shape[1] - 1, 1);
        return ln_f.Forward(x);
    }
}
