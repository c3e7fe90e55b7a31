using Lem.Backends.TorchSharp.Quantization;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// The LM head of every family: its own "lm_head" weight, or the input embeddings when tie_word_embeddings (a
/// pipeline keeps a copy of those on the last stage, which is not a parameter). Logits come out in fp32.
/// </summary>
internal sealed class LmHead : IDisposable
{
    private readonly Linear? _own;
    private readonly LinearWeight _tied;
    private readonly LinearWeight? _tiedCopy;

    private LmHead(Linear? own, LinearWeight tied, LinearWeight? tiedCopy)
    {
        _own = own;
        _tied = tied;
        _tiedCopy = tiedCopy;
    }

    /// <summary>
    /// Loads the head on the last stage; the returned module (untied heads only) is for the family to register as
    /// "lm_head". Under tensor parallelism the head is column-parallel over the vocabulary: <paramref name="shard"/>'s
    /// rows, the same rows as its block of the embeddings (which a tied head is).
    /// </summary>
    public static (LmHead Head, Linear? Module) Load(WeightLoader w, ModelConfig c, PipelineSplit split, Embedding embeddings, TensorShard shard)
    {
        w.Device = split.Last;
        if (!c.TieWordEmbeddings)
        {
            var module = new Linear(w, "lm_head", c.HiddenSize, c.VocabSize, hasBias: false, w.Quantization.ForLmHead(), shard, ShardAxis.Output);
            return (new LmHead(module, embeddings.Table, null), module);
        }
        if (w.Contains("lm_head.weight")) w.Ignore("lm_head.weight");
        var copy = split.IsPipeline ? embeddings.Table.To(split.Last) : null;
        return (new LmHead(null, embeddings.Table, copy), null);
    }

    /// <summary>
    /// fp32 logits of the final hidden states: [b, vocab] for the last position, or [b, q, vocab] (a tensor-parallel
    /// rank: its vocabulary rows only). With
    /// <paramref name="norm"/> the final RMSNorm is applied first (fused into the head's GEMV on CUDA decode).
    /// </summary>
    public Tensor Logits(Tensor h, ForwardBatch batch, bool allPositions, RmsNorm? norm = null)
    {
        var weight = _own?.Weight ?? _tiedCopy ?? _tied;
        var logits = Projection.Apply(h, weight, _own?.bias, batch.Flops, norm, ProjectionOutput.Float32);
        return allPositions ? logits : logits.squeeze(1);
    }

    public void Dispose() => _tiedCopy?.Dispose();
}
