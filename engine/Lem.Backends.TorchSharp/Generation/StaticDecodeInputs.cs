using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Device buffers for static-shape decode steps: the step's input tokens, position ids, write index and an additive
/// mask over the whole cache. Each step advances them itself, on the device (<see cref="RunStep"/>): position ids and
/// write index move one place and the next cache column opens; with <see cref="Greedy"/> the step also writes its own
/// greedy tokens into the input. So a step needs nothing from the host — what a CUDA graph capture needs, and what lets
/// the next step be queued before this one's tokens reach the host. Eager static decoding uses one per batch; a graph
/// session keeps one for its life and points it at each new batch.
/// </summary>
internal sealed class StaticDecodeInputs : IDisposable
{
    private readonly Tensor _mask;
    private PaddedBatch? _batch;

    /// <param name="greedy">Whether steps pick their next tokens themselves (greedy, on the device).</param>
    public StaticDecodeInputs(int rows, long capacity, ScalarType dtype, Device device, bool greedy)
    {
        Rows = rows;
        Capacity = capacity;
        Input = zeros([rows, 1], ScalarType.Int64, device);
        Positions = zeros([rows, 1], ScalarType.Int64, device);
        WriteIndex = zeros([1], ScalarType.Int64, device);
        _mask = zeros([rows, capacity], dtype, device);
        Mask = _mask.view(rows, 1, 1, capacity);
        Greedy = greedy ? new DeviceGreedy(rows, device) : null;
    }

    public int Rows { get; }
    public long Capacity { get; }
    public Tensor Input { get; }
    public Tensor Positions { get; }
    public Tensor WriteIndex { get; }
    public Tensor Mask { get; }
    public DeviceGreedy? Greedy { get; }

    /// <summary>
    /// Points the buffers at a batch and at its first decode step, which writes cache position
    /// <paramref name="offset"/> (the prompt length) with <paramref name="tokens"/> as input: only the prompt columns
    /// and that one are open.
    /// </summary>
    public StaticDecodeInputs Start(PaddedBatch batch, Tensor tokens, long offset)
    {
        _batch = batch;
        StaticDecodeMask.Reset(_mask, batch);
        Load(tokens);
        Positions.copy_(batch.PositionIds.narrow(1, offset, 1));
        WriteIndex.fill_(offset);
        StaticDecodeMask.Open(Mask, offset);
        return this;
    }

    /// <summary>Sets the next step's input tokens (sampled on the host).</summary>
    public void Load(Tensor tokens) => Input.copy_(tokens.view(Rows, 1));

    /// <summary>
    /// One decode step over the buffers alone (no host value changes what it runs): the forward, then with
    /// <see cref="Greedy"/> the next tokens into <see cref="Input"/>, then the buffers advanced to the next position
    /// (with <see cref="CudaGraphs.FusedOps.StepKernelOn"/>, one kernel where the decode kernels serve the mask; ATen
    /// operators otherwise).
    /// Returns the step's fp32 logits [rows, vocab]. <paramref name="offset"/> is the cache position written, for the
    /// forward's bookkeeping only (a captured step replays at every offset).
    /// </summary>
    public Tensor RunStep(CausalLM model, KvCache cache, long offset, FlopCounter? flops)
    {
        if (_batch is null) throw new InvalidOperationException("Start the static decode inputs on a batch before the first step.");
        var logits = model.Forward(Input, Batch(offset, cache, flops));
        if (CudaGraphs.FusedOps.StepKernelOn && CudaGraphs.FusedOps.Current is { } fused && fused.StepAdvanceServes(logits, _mask))
        {
            fused.StepAdvance(logits, Greedy, Input, Positions, WriteIndex, _mask);
            return logits;
        }
        if (Greedy is not null) Input.copy_(Greedy.Pick(logits).view(Rows, 1));
        Positions.add_(1);
        // clamped: after the last column of the cache there is no next step, and an index past the end is an error
        WriteIndex.add_(1).clamp_max_(Capacity - 1);
        _mask.index_fill_(1, WriteIndex, 0);
        return logits;
    }

    /// <summary>The forward arguments of the step at <paramref name="offset"/> over the current buffers.</summary>
    private ForwardBatch Batch(long offset, KvCache cache, FlopCounter? flops) =>
        new(Positions, Mask, offset, Capacity - 1, cache, flops, WriteIndex);

    public void Dispose()
    {
        Input.Dispose();
        Positions.Dispose();
        WriteIndex.Dispose();
        Mask.Dispose();
        _mask.Dispose();
        Greedy?.Dispose();
    }
}
