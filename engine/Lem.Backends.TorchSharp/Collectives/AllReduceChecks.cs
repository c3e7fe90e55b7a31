using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Collectives;

internal static class AllReduceChecks
{
    /// <summary>Throws unless there is a tensor per rank, all of one shape and dtype (a mismatch is a bug in the caller).</summary>
    public static void SameShape(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count < 2) throw new ArgumentException($"An all-reduce takes a tensor per rank (two or more), but was given {parts.Count}.", nameof(parts));
        var shape = parts[0].shape;
        foreach (var part in parts)
            if (!part.shape.SequenceEqual(shape) || part.dtype != parts[0].dtype)
                throw new ArgumentException(
                    $"An all-reduce sums tensors of one shape and dtype, but was given [{string.Join(", ", shape)}] {parts[0].dtype} and [{string.Join(", ", part.shape)}] {part.dtype}.", nameof(parts));
    }
}
