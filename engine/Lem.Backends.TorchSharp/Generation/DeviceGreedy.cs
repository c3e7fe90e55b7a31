using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Greedy choice of the next token on the device, inside a static decode step (and so inside its CUDA graph): argmax
/// over the logits, with the EOS ids held back (−∞ added to their logits) while a step is below min_new_tokens, as
/// <see cref="TokenSampler"/> does on the host. Serves greedy decoding without repetition penalty and with at most
/// <see cref="MaxEosIds"/> EOS ids; the ids and the hold are device buffers, set between steps.
/// </summary>
internal sealed class DeviceGreedy : IDisposable
{
    public const int MaxEosIds = 8;

    /// <summary>[rows, MaxEosIds] int64; unused places repeat an id.</summary>
    internal Tensor EosIds { get; }

    /// <summary>[rows, MaxEosIds] fp32: −∞ while EOS is held back, else 0.</summary>
    internal Tensor EosHold { get; }
    private bool _holding;
    private bool _canHold;   // false without EOS ids: the hold then stays 0, and adding 0 to logit 0 changes nothing
    private int[] _idsSet = [];  // the EOS ids in EosIds, so that a generate call with the same ones copies nothing

    public DeviceGreedy(int rows, Device device)
    {
        EosIds = zeros([rows, MaxEosIds], ScalarType.Int64, device);
        EosHold = zeros([rows, MaxEosIds], ScalarType.Float32, device);
    }

    public static bool Serves(IReadOnlyList<int> eosTokenIds) => eosTokenIds.Count <= MaxEosIds;

    /// <summary>Sets the EOS ids of a new generate call; none are held back until <see cref="HoldEos"/>.</summary>
    public void Reset(IReadOnlyList<int> eosTokenIds)
    {
        if (!Serves(eosTokenIds)) throw new ArgumentException($"At most {MaxEosIds} EOS ids are served on the device.", nameof(eosTokenIds));
        HoldEos(false);
        _canHold = eosTokenIds.Count > 0;
        if (_idsSet.SequenceEqual(eosTokenIds)) return;
        var rows = EosIds.shape[0];
        var ids = new long[rows * MaxEosIds];
        for (var i = 0; i < ids.Length; i++) ids[i] = eosTokenIds.Count == 0 ? 0 : eosTokenIds[i % MaxEosIds % eosTokenIds.Count];
        using var host = tensor(ids, [rows, MaxEosIds]);
        EosIds.copy_(host);
        _idsSet = eosTokenIds.ToArray();
    }

    /// <summary>Holds EOS back (or releases it) for the steps queued from now on.</summary>
    public void HoldEos(bool hold)
    {
        hold &= _canHold;
        if (hold == _holding) return;
        EosHold.fill_(hold ? double.NegativeInfinity : 0.0);
        _holding = hold;
    }

    /// <summary>The next tokens, int64 [rows], of fp32 logits [rows, vocab] (changed in place at the EOS ids).</summary>
    public Tensor Pick(Tensor logits) => logits.scatter_add_(1, EosIds, EosHold).argmax(-1);

    public void Dispose()
    {
        EosIds.Dispose();
        EosHold.Dispose();
    }
}
