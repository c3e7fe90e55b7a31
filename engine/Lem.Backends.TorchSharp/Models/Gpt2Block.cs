using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>GPT-2 block h.N: x + attn(ln_1(x)), then + mlp(ln_2(·)).</summary>
internal sealed class Gpt2Block : nn.Module, IDecoderBlock
{
    public readonly LayerNorm ln_1;
    public readonly Gpt2Attention attn;
    public readonly LayerNorm ln_2;
    public readonly Gpt2Mlp mlp;

    /// <param name="shard">The share of the block this module holds (the layer norms are whole on every rank).</param>
    public Gpt2Block(WeightLoader w, string name, ModelConfig c, int layer, TensorShard shard) : base(name)
    {
        ln_1 = new LayerNorm(w, name + ".ln_1", c.HiddenSize, c.NormEps);
        attn = new Gpt2Attention(w, name + ".attn", c, layer, shard);
        ln_2 = new LayerNorm(w, name + ".ln_2", c.HiddenSize, c.NormEps);
        mlp = new Gpt2Mlp(w, name + ".mlp", c, shard);
        register_module("ln_1", ln_1);
        register_module("attn", attn);
        register_module("ln_2", ln_2);
        register_module("mlp", mlp);
    }

    public Tensor Forward(Tensor x, ForwardBatch batch) =>
        MlpHalf(AttentionHalf(x, default, batch, addResidual: true), batch, addResidual: true);

    public Tensor AttentionHalf(Tensor x, LayerInputs inputs, ForwardBatch batch, bool addResidual)
    {
        var a = attn.Forward(ln_1.Forward(x), batch);
        return addResidual ? a.add_(x) : a;
    }

    public Tensor MlpHalf(Tensor h, ForwardBatch batch, bool addResidual)
    {
        var m = mlp.Forward(ln_2.Forward(h), batch.Flops);
        return addResidual ? m.add_(h) : m;
    }
}
