using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Device buffers for static-shape decode steps: the step's input tokens, position ids, write index and a mask over
/// the whole cache. They are updated in place before each step (device-side copies, no host sync), so the step itself
/// sees the same tensors every time — what a CUDA graph capture needs.
/// </summary>
internal sealed class StaticDecodeInputs : IDisposable
{
    private readonly PaddedBatch _batch;

    public StaticDecodeInputs(PaddedBatch batch, ScalarType dtype, Device device)
    {
        _batch = batch;
        var rows = batch.Rows;
        var capacity = batch.Capacity;
        Input = zeros([rows, 1], ScalarType.Int64, device);
        Positions = zeros([rows, 1], ScalarType.Int64, device);
        WriteIndex = zeros([1], ScalarType.Int64, device);
        var mask = zeros([rows, capacity], dtype, device);
        StaticDecodeMask.Reset(mask, batch);
        Mask = mask.view(rows, 1, 1, capacity);
    }

    public Tensor Input { get; }
    public Tensor Positions { get; }
    public Tensor WriteIndex { get; }
    public Tensor Mask { get; }

    /// <summary>Loads the inputs of the step that writes cache position <paramref name="offset"/>.</summary>
    public ForwardBatch Advance(Tensor tokens, long offset, KvCache cache, FlopCounter? flops)
    {
        Input.copy_(tokens.view(_batch.Rows, 1));
        Positions.copy_(_batch.PositionIds.narrow(1, offset, 1));
        WriteIndex.fill_(offset);
        StaticDecodeMask.Open(Mask, offset);
        return new ForwardBatch(Positions, Mask, offset, _batch.Capacity - 1, cache, flops, WriteIndex);
    }

    public void Dispose()
    {
        Input.Dispose();
        Positions.Dispose();
        WriteIndex.Dispose();
        Mask.Dispose();
    }
}
