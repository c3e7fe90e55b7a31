namespace Lem.Backends.TorchSharp.Models;

/// <summary>
/// Which share of every layer one device holds under tensor parallelism: rank <see cref="Rank"/> of
/// <see cref="Count"/>. <see cref="Whole"/> (rank 0 of 1) is the unsplit model, so the modules take a shard always.
/// </summary>
public readonly record struct TensorShard(int Rank, int Count)
{
    public static TensorShard Whole => new(0, 1);

    public bool IsSplit => Count > 1;

    /// <summary>
    /// This rank's contiguous part of <paramref name="total"/> rows: equal parts, the first ranks one more where the
    /// count does not divide (vocabulary rows, MLP units). Head counts are checked to divide before (<see cref="TensorSplit"/>).
    /// </summary>
    public (long Offset, long Count) Range(long total)
    {
        var size = total / Count;
        var extra = total % Count;
        var offset = Rank * size + Math.Min(Rank, extra);
        return (offset, size + (Rank < extra ? 1 : 0));
    }

    /// <summary>Whether this rank adds what is added once per layer half (the residual, the bias of a row-parallel projection).</summary>
    public bool AddsOnce => Rank == 0;
}
