using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Device buffers for static-shape decode steps: the step's input tokens, position ids, write index and an additive
/// mask over the whole cache. They are updated in place before each step (device-side copies, no host sync), so the
/// step itself sees the same tensors every time — what a CUDA graph capture needs. Eager static decoding uses one per
/// batch; a graph session keeps one for its life and points it at each new batch.
/// </summary>
internal sealed class StaticDecodeInputs : IDisposable
{
    private readonly Tensor _mask;
    private PaddedBatch? _batch;

    public StaticDecodeInputs(int rows, long capacity, ScalarType dtype, Device device)
    {
        Rows = rows;
        Capacity = capacity;
        Input = zeros([rows, 1], ScalarType.Int64, device);
        Positions = zeros([rows, 1], ScalarType.Int64, device);
        WriteIndex = zeros([1], ScalarType.Int64, device);
        _mask = zeros([rows, capacity], dtype, device);
        Mask = _mask.view(rows, 1, 1, capacity);
    }

    public int Rows { get; }
    public long Capacity { get; }
    public Tensor Input { get; }
    public Tensor Positions { get; }
    public Tensor WriteIndex { get; }
    public Tensor Mask { get; }

    /// <summary>Points the buffers at a batch: only its prompt columns may be attended to until written.</summary>
    public StaticDecodeInputs Reset(PaddedBatch batch)
    {
        _batch = batch;
        StaticDecodeMask.Reset(_mask, batch);
        return this;
    }

    /// <summary>Loads the inputs of the step that writes cache position <paramref name="offset"/>.</summary>
    public ForwardBatch Advance(Tensor tokens, long offset, KvCache cache, FlopCounter? flops)
    {
        var batch = _batch ?? throw new InvalidOperationException("Reset the static decode inputs to a batch before the first step.");
        Input.copy_(tokens.view(Rows, 1));
        Positions.copy_(batch.PositionIds.narrow(1, offset, 1));
        WriteIndex.fill_(offset);
        StaticDecodeMask.Open(Mask, offset);
        return Batch(offset, cache, flops);
    }

    /// <summary>The forward arguments of the step at <paramref name="offset"/> over the current buffers.</summary>
    public ForwardBatch Batch(long offset, KvCache cache, FlopCounter? flops) =>
        new(Positions, Mask, offset, Capacity - 1, cache, flops, WriteIndex);

    public void Dispose()
    {
        Input.Dispose();
        Positions.Dispose();
        WriteIndex.Dispose();
        Mask.Dispose();
        _mask.Dispose();
    }
}
