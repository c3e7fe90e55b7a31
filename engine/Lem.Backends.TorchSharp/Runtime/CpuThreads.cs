using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Runtime;

/// <summary>
/// libtorch's intra-op thread count (<c>torch.set_num_threads</c>) is process-wide, so every load sets it: to the count
/// asked for, or back to libtorch's own default (one per physical core), read once before lem first changes it.
/// </summary>
internal static class CpuThreads
{
    private static readonly object Gate = new();
    private static int? _libtorchDefault;

    /// <summary>Sets the count (0: libtorch's default) and returns the count now in effect.</summary>
    public static int Apply(long threads)
    {
        lock (Gate)
        {
            _libtorchDefault ??= get_num_threads();
            var count = threads > 0 ? checked((int)threads) : _libtorchDefault.Value;
            if (get_num_threads() != count) set_num_threads(count);
            return get_num_threads();
        }
    }
}
