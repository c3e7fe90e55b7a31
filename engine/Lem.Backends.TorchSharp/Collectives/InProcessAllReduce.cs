using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Collectives;

/// <summary>
/// The all-reduce without a collective library: the partials are copied to rank 0's device and added there in rank
/// order, then the sum is copied back into every other rank's tensor. It works on the CPU and on any CUDA devices
/// (peer copies through libtorch, ordered on each device's stream), including ranks that share one device.
/// </summary>
public sealed class InProcessAllReduce(string why) : IAllReduce
{
    public string Description => "in-process (partials copied to rank 0's device, summed there in rank order, the sum copied back): " + why;

    public void SumInPlace(IReadOnlyList<Tensor> parts)
    {
        AllReduceChecks.SameShape(parts);
        var sum = parts[0];
        for (var r = 1; r < parts.Count; r++)
        {
            using var onFirst = parts[r].to(sum.device); // the tensor itself where it is on rank 0's device already
            sum.add_(onFirst);
        }
        for (var r = 1; r < parts.Count; r++)
            parts[r].copy_(sum);
    }

    public void Dispose()
    {
    }
}
