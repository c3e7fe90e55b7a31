using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// The LM head of every family: its own "lm_head" weight, or the input embeddings when tie_word_embeddings (a
/// pipeline keeps a copy of those on the last stage, which is not a parameter). Logits come out in fp32.
/// </summary>
internal sealed class LmHead : IDisposable
{
    private readonly ModelConfig _config;
    private readonly Linear? _own;
    private readonly Tensor _tied;
    private readonly Tensor? _tiedCopy;

    private LmHead(ModelConfig config, Linear? own, Tensor tied, Tensor? tiedCopy)
    {
        _config = config;
        _own = own;
        _tied = tied;
        _tiedCopy = tiedCopy;
    }

    /// <summary>Loads the head on the last stage; the returned module (untied heads only) is for the family to register as "lm_head".</summary>
    public static (LmHead Head, Linear? Module) Load(WeightLoader w, ModelConfig c, PipelineSplit split, Tensor embeddings)
    {
        w.Device = split.Last;
        if (!c.TieWordEmbeddings)
        {
            var module = new Linear(w, "lm_head", c.HiddenSize, c.VocabSize, hasBias: false);
            return (new LmHead(c, module, embeddings, null), module);
        }
        if (w.Contains("lm_head.weight")) w.Ignore("lm_head.weight");
        var copy = split.IsPipeline ? embeddings.to(split.Last).DetachFromDisposeScope() : null;
        return (new LmHead(c, null, embeddings, copy), null);
    }

    /// <summary>fp32 logits of the final hidden states: [b, vocab] for the last position, or [b, q, vocab].</summary>
    public Tensor Logits(Tensor h, ForwardBatch batch, bool allPositions)
    {
        Tensor logits;
        if (_own is not null)
        {
            logits = _own.Forward(h, batch.Flops);
        }
        else
        {
            batch.Flops?.Matmul(h.numel() / _config.HiddenSize, _config.HiddenSize, _config.VocabSize);
            logits = nn.functional.linear(h, _tiedCopy ?? _tied);
        }
        logits = logits.to(ScalarType.Float32);
        return allPositions ? logits : logits.squeeze(1);
    }

    public void Dispose() => _tiedCopy?.Dispose();
}
