using Lem.Engine.Inference;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Collectives;

/// <summary>
/// The all-reduce through NCCL: one communicator per GPU (ncclCommInitAll, one process), and each sum one group of
/// ncclAllReduce calls, one per rank, in place. The calls go on each device's default stream (the null stream), which
/// is libtorch's current stream wherever lem does not capture a CUDA graph — and a tensor split decodes eagerly — so
/// the sum runs after the products that made the partials and before whatever reads them.
/// </summary>
internal sealed class NcclAllReduce : IAllReduce
{
    private static readonly IntPtr DefaultStream = IntPtr.Zero;
    private readonly NcclNative _nccl;
    private readonly int[] _devices;
    private readonly IntPtr[] _comms;

    /// <param name="devices">The CUDA device index of each rank, each once.</param>
    public NcclAllReduce(NcclNative nccl, int[] devices)
    {
        _nccl = nccl;
        _devices = devices;
        _comms = nccl.CommInitAll(devices);
        Description = $"nccl {nccl.Version()} ({nccl.Path}): one group of in-place ncclAllReduce calls per sum over {devices.Length} GPUs, on each device's default stream";
    }

    public string Description { get; }

    public void SumInPlace(IReadOnlyList<Tensor> parts)
    {
        AllReduceChecks.SameShape(parts);
        if (parts.Count != _comms.Length)
            throw new ArgumentException($"This all-reduce has {_comms.Length} ranks, but was given {parts.Count} tensors.", nameof(parts));
        var dataType = DataType(parts[0].dtype);
        for (var r = 0; r < parts.Count; r++)
            if (!parts[r].is_contiguous() || parts[r].device_type != global::TorchSharp.DeviceType.CUDA || parts[r].device_index != _devices[r])
                throw new ArgumentException($"NCCL sums contiguous tensors on each rank's GPU; rank {r}'s is on {parts[r].device} (contiguous: {parts[r].is_contiguous()}), its GPU is cuda:{_devices[r]}.", nameof(parts));
        var count = parts[0].numel();
        _nccl.GroupStart();
        try
        {
            for (var r = 0; r < parts.Count; r++)
                _nccl.AllReduceSumInPlace(TensorMemory.Address(parts[r]), count, dataType, _comms[r], DefaultStream);
        }
        finally
        {
            _nccl.GroupEnd();
        }
    }

    private static int DataType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => NcclNative.Float32,
        ScalarType.Float16 => NcclNative.Float16,
        ScalarType.BFloat16 => NcclNative.BFloat16,
        _ => throw new InferenceException($"The NCCL all-reduce sums fp32, fp16 and bf16 tensors, not {dtype}."),
    };

    public void Dispose()
    {
        foreach (var comm in _comms) _nccl.CommDestroy(comm);
    }
}
