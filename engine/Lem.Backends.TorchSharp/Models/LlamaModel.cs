using Lem.Backends.TorchSharp.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// The "model" part of *ForCausalLM: embed_tokens, layers, norm (placed on devices by a <see cref="PipelineSplit"/>;
/// under tensor parallelism, one rank's share of them: see <see cref="TensorParallelLM"/>).
/// </summary>
internal sealed class LlamaModel : nn.Module
{
    public readonly Embedding embed_tokens;
    public readonly ModuleList<LlamaDecoderLayer> layers;
    public readonly RmsNorm norm;
    private readonly PipelineSplit _split;

    /// <summary>The decoder layers in order (what <see cref="layers"/> registers).</summary>
    public IReadOnlyList<LlamaDecoderLayer> Blocks { get; }

    public LlamaModel(WeightLoader w, string name, ModelConfig c, PipelineSplit split, TensorShard shard) : base(name)
    {
        _split = split;
        w.Device = split.First;
        // tied to the LM head, the embeddings are the head's weight and are stored as it is
        embed_tokens = new Embedding(w, name + ".embed_tokens", c.VocabSize, c.HiddenSize,
            c.TieWordEmbeddings ? w.Quantization.ForLmHead() : QuantizationScheme.None, shard);
        var blocks = new LlamaDecoderLayer[c.NumHiddenLayers];
        for (var i = 0; i < blocks.Length; i++)
        {
            w.Device = split.DeviceOfLayer(i);
            blocks[i] = new LlamaDecoderLayer(w, $"{name}.layers.{i}", c, i, shard);
        }
        layers = new ModuleList<LlamaDecoderLayer>(blocks);
        Blocks = blocks;
        w.Device = split.Last;
        norm = new RmsNorm(w, name + ".norm", c.HiddenSize, c.NormEps);
        register_module("embed_tokens", embed_tokens);
        register_module("layers", layers);
        register_module("norm", norm);
    }

    /// <summary>
    /// Hidden states [b, q', hidden] after the last decoder layer, before <see cref="norm"/> (which the LM head applies),
    /// on the last stage's device: all positions, or only the last when <paramref name="lastOnly"/>.
    /// <paramref name="rotary"/> holds one RoPE table per stage, on the stage's device.
    /// </summary>
    public Tensor Forward(Tensor ids, IReadOnlyList<RotaryEmbedding> rotary, ForwardBatch batch, bool lastOnly)
    {
        var h = embed_tokens.Forward(_split.IsPipeline ? ids.to(_split.First) : ids);
        for (var s = 0; s < _split.Stages.Count; s++)
        {
            var stage = _split.Stages[s];
            var stageBatch = batch;
            if (s > 0)
            {
                // positions, mask and write index cross once per stage; the hidden states cross here too
                stageBatch = batch.On(stage.Device);
                var moved = h.to(stage.Device);
                h.Dispose();
                h = moved;
            }
            var (cos, sin) = rotary[s].ForPositions(stageBatch.PositionIds, stageBatch.MaxPosition);
            for (var i = stage.FirstLayer; i < stage.FirstLayer + stage.LayerCount; i++)
            {
                // TorchSharp frees intermediates only when their dispose scope ends: one scope per layer keeps a long
                // prefill from holding every layer's activations at once (a 32 × 2048-token prefill ran out of 80 GB).
                // A layer adds into its input in place and returns it (then there is nothing to move or free).
                Tensor next;
                using (NewDisposeScope())
                {
                    next = layers[i].Forward(h, cos, sin, stageBatch);
                    if (!ReferenceEquals(next, h)) next.MoveToOuterDisposeScope();
                }
                if (ReferenceEquals(next, h)) continue;
                h.Dispose();
                h = next;
            }
        }
        if (lastOnly && h.shape[1] > 1)
            h = h.narrow(1, h.shape[1] - 1, 1).contiguous();
        return h;
    }
}
