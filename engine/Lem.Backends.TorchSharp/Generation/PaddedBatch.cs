using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Left-padded prompts and the tensors built once per batch: input ids [b, P], position ids [b, capacity] counted
/// from each row's first real token, and — when some row is padded — the prefill mask [b, 1, P, P] and the key mask
/// [b, capacity] that decode steps slice.
/// </summary>
internal sealed class PaddedBatch : IDisposable
{
    public const int PadTokenId = 0;

    public PaddedBatch(IReadOnlyList<int[]> prompts, long capacity, Device device)
    {
        Rows = prompts.Count;
        PromptLength = prompts.Max(p => p.Length);
        Capacity = capacity;
        Padding = prompts.Select(p => PromptLength - p.Length).ToArray();
        AnyPadding = Padding.Any(p => p > 0);

        var ids = new long[Rows * PromptLength];
        var positions = new long[Rows * capacity];
        var keyValid = new bool[Rows * capacity];
        for (var r = 0; r < Rows; r++)
        {
            var pad = Padding[r];
            for (var c = 0; c < PromptLength; c++)
                ids[r * PromptLength + c] = c < pad ? PadTokenId : prompts[r][c - pad];
            for (long c = 0; c < capacity; c++)
            {
                positions[r * capacity + c] = Math.Max(0, c - pad);
                keyValid[r * capacity + c] = c >= pad;
            }
        }
        InputIds = tensor(ids, [Rows, PromptLength]).to(device);
        PositionIds = tensor(positions, [Rows, capacity]).to(device);
        if (!AnyPadding) return;

        KeyValid = tensor(keyValid, [Rows, capacity]).to(device);
        // Causal and not padding; a padded query attends to itself only, so that no softmax row is empty.
        using var scope = NewDisposeScope();
        var causal = ones([PromptLength, PromptLength], ScalarType.Bool, device).tril_();
        var keys = KeyValid.narrow(1, 0, PromptLength).view(Rows, 1, 1, PromptLength);
        var diagonal = eye(PromptLength, dtype: ScalarType.Bool, device: device);
        PrefillMask = causal.logical_and(keys).logical_or_(diagonal).DetachFromDisposeScope();
    }

    public int Rows { get; }
    public int PromptLength { get; }
    public long Capacity { get; }
    public int[] Padding { get; }
    public bool AnyPadding { get; }
    public Tensor InputIds { get; }
    public Tensor PositionIds { get; }
    public Tensor? KeyValid { get; }
    public Tensor? PrefillMask { get; }

    /// <summary>Largest position id of the prefill (the longest prompt's last token).</summary>
    public long PrefillMaxPosition => PromptLength - 1;

    /// <summary>The mask of a one-token step writing at <paramref name="offset"/>: [b, 1, 1, offset+1], or null without padding.</summary>
    public Tensor? DecodeMask(long offset) =>
        KeyValid?.narrow(1, 0, offset + 1).unsqueeze(1).unsqueeze(1);

    public void Dispose()
    {
        InputIds.Dispose();
        PositionIds.Dispose();
        KeyValid?.Dispose();
        PrefillMask?.Dispose();
    }
}
