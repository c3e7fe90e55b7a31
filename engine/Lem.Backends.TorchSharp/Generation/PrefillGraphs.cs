using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// CUDA-graph prefills of one graph session (they write its KV cache). A prefill of few tokens is bound by the host's
/// operator calls, not by the GPU: Llama-3.2-1B's prefill makes some 300 TorchSharp calls, each launching its kernel
/// from the host, against about 1.5 ms of GPU work at 128 tokens. So a prefill shape (rows, prompt length, padded or
/// not) of at most <see cref="MaxTokens"/> tokens that comes a second time is captured, and replayed from then on;
/// the first time it runs eagerly, so that prompt lengths that never repeat (a dataset's) cost no capture. A replay
/// runs the same kernels on the same shapes as the eager prefill, so both give the same logits. At most
/// <see cref="MaxGraphs"/> shapes are kept, the least recently used dropped.
/// </summary>
internal sealed class PrefillGraphs : IDisposable
{
    /// <summary>Rows × prompt length up to which prefills are captured: beyond it the GPU's work dominates (the
    /// 2026-12-07 batch-32 prefill of 4096 tokens ran at about half the H100's bf16 peak), and each graph keeps its peak
    /// activations in a pool of its own.</summary>
    public const long MaxTokens = 2048;

    /// <summary>Prefill graphs a session keeps (each with its own memory pool).</summary>
    public const int MaxGraphs = 2;

    private readonly Dictionary<(int Length, bool Padded), int> _seen = new();
    private readonly LinkedList<Entry> _graphs = new();

    /// <summary>Why a prefill capture failed (prefills then stay eager); null when none failed.</summary>
    public string? CaptureFailure { get; private set; }

    /// <summary>
    /// Runs <paramref name="batch"/>'s prefill from a graph when its shape has one, or captures one for it now when
    /// the shape comes a second time; otherwise does nothing and returns null logits (the caller then runs the eager
    /// prefill). The logits [rows, vocab] of a replay belong to the graph: do not dispose them.
    /// </summary>
    public (Tensor? Logits, bool Captured) Run(CausalLM model, PaddedBatch batch, KvCache cache, FlopCounter flops, CudaGraphRuntime runtime, int deviceIndex)
    {
        if (CaptureFailure is not null || (long)batch.Rows * batch.PromptLength > MaxTokens) return (null, false);
        var key = (batch.PromptLength, batch.AnyPadding);
        var entry = _graphs.FirstOrDefault(e => e.Key == key);
        var captured = false;
        if (entry is not null)
        {
            _graphs.Remove(entry);
        }
        else
        {
            _seen[key] = _seen.GetValueOrDefault(key) + 1;
            if (_seen[key] < 2) return (null, false);
            entry = Capture(model, batch, cache, runtime, deviceIndex);
            if (entry is null) return (null, false);
            captured = true;
            if (_graphs.Count >= MaxGraphs)
            {
                _graphs.Last!.Value.Dispose();
                _graphs.RemoveLast();
            }
        }
        _graphs.AddFirst(entry);
        entry.Load(batch);
        entry.Graph.Replay();
        flops.AddPrefill(entry.Flops);
        return (entry.Logits, captured);
    }

    private Entry? Capture(CausalLM model, PaddedBatch batch, KvCache cache, CudaGraphRuntime runtime, int deviceIndex)
    {
        var length = batch.PromptLength;
        // the graph's input buffers live as long as the graph, not as the generate call's dispose scope
        var ids = batch.InputIds.clone().DetachFromDisposeScope();
        var positions = batch.PositionIds.narrow(1, 0, length).clone().DetachFromDisposeScope();
        var mask = batch.PrefillMask?.clone().DetachFromDisposeScope();
        var counter = new FlopCounter();
        Tensor? logits = null;
        try
        {
            var graph = runtime.Capture(deviceIndex, () =>
            {
                using var scope = NewDisposeScope();
                logits = model.Forward(ids, new ForwardBatch(positions, mask, 0, batch.PrefillMaxPosition, cache, counter)).DetachFromDisposeScope();
            });
            return new Entry((length, batch.AnyPadding), ids, positions, mask, graph, logits!, counter.PrefillFlops);
        }
        catch (Exception e) when (e is CudaGraphException or System.Runtime.InteropServices.ExternalException)
        {
            // nothing ran during the failed capture: this prefill and later ones run eagerly
            CaptureFailure = e.Message;
            logits?.Dispose();
            ids.Dispose();
            positions.Dispose();
            mask?.Dispose();
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var entry in _graphs) entry.Dispose();
        _graphs.Clear();
    }

    /// <summary>A captured prefill: its input buffers (loaded before each replay), graph and logits.</summary>
    private sealed record Entry((int Length, bool Padded) Key, Tensor InputIds, Tensor Positions, Tensor? Mask, CudaGraph Graph, Tensor Logits, double Flops)
        : IDisposable
    {
        public void Load(PaddedBatch batch)
        {
            InputIds.copy_(batch.InputIds);
            Positions.copy_(batch.PositionIds.narrow(1, 0, Key.Length));
            Mask?.copy_(batch.PrefillMask!);
        }

        public void Dispose()
        {
            Graph.Dispose();
            Logits.Dispose();
            InputIds.Dispose();
            Positions.Dispose();
            Mask?.Dispose();
        }
    }
}
