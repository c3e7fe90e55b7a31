using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Collectives;

/// <summary>
/// The sum across the ranks of a tensor split: after <see cref="SumInPlace"/> every rank's tensor holds the sum of
/// all of them (what Megatron's row-parallel layers need after their products).
/// </summary>
public interface IAllReduce : IDisposable
{
    /// <summary>What sums, for the record: which implementation, and where the in-process one is used why NCCL is not.</summary>
    string Description { get; }

    /// <param name="parts">One tensor per rank, in rank order, each on its rank's device, all of one shape and dtype, contiguous.</param>
    void SumInPlace(IReadOnlyList<Tensor> parts);
}
