using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Models;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// The CUDA-graph sessions of one loaded model, one per batch shape bucket (rows × cache capacity rounded up to
/// <see cref="CapacityStep"/> positions) and way of choosing tokens (greedy on the device or sampled on the host). At most <see cref="MaxSessions"/> are kept; the least recently used one is
/// dropped (its graph and KV cache freed) when another shape arrives. Captures happen on the first calls of a shape,
/// which the runner's warm-up makes (outside measurement windows); with <c>prefills</c>, a session also captures prefills
/// whose shape repeats (<see cref="PrefillGraphs"/>).
/// </summary>
/// <param name="prefills">Whether sessions capture repeated prefill shapes too (torchsharp.prefill_graphs).</param>
public sealed class CudaGraphDecoder(CudaGraphRuntime runtime, int deviceIndex, bool prefills = false) : IDisposable
{
    public const int CapacityStep = 64;
    public const int MaxSessions = 4;

    private readonly LinkedList<GraphDecodeSession> _sessions = new();

    /// <summary>Graphs captured since the model was loaded.</summary>
    public int Captures { get; private set; }

    /// <summary>Decode steps served by replaying a graph.</summary>
    public long Replays { get; private set; }

    /// <summary>Whether sessions capture repeated prefill shapes (torchsharp.prefill_graphs).</summary>
    public bool CapturesPrefills => prefills;

    /// <summary>Prefills served by replaying a graph (<see cref="PrefillGraphs"/>).</summary>
    public long PrefillReplays { get; private set; }

    /// <summary>The last capture failure (that shape then decoded eagerly); null when every capture worked.</summary>
    public string? LastCaptureFailure { get; private set; }

    /// <summary>
    /// Builds the model's position tables for every position it can have, before any capture: captured graphs read the
    /// tables by address, and a table grown later (a longer cache) would leave them reading freed memory.
    /// </summary>
    public void Prepare(CausalLM model) => model.ReservePositionTables(model.Config.MaxPositionEmbeddings);

    public static long CapacityFor(long needed, int maxPositions) =>
        Math.Min(Math.Max(needed, (needed + CapacityStep - 1) / CapacityStep * CapacityStep), Math.Max(needed, maxPositions));

    /// <param name="greedy">Whether the session's steps pick greedy tokens on the device (the graph then includes it).</param>
    internal GraphDecodeSession SessionFor(CausalLM model, int rows, long capacity, bool greedy)
    {
        var existing = _sessions.FirstOrDefault(s => s.Rows == rows && s.Capacity == capacity && s.Greedy == greedy);
        if (existing is not null)
        {
            _sessions.Remove(existing);
            _sessions.AddFirst(existing);
            return existing;
        }
        if (_sessions.Count >= MaxSessions)
        {
            var oldest = _sessions.Last!.Value;
            _sessions.RemoveLast();
            oldest.Dispose();
        }
        var session = new GraphDecodeSession(model.Config, rows, capacity, model.Dtype, model.Device, greedy, () => runtime.NewEvent(deviceIndex));
        _sessions.AddFirst(session);
        return session;
    }

    internal (global::TorchSharp.torch.Tensor Logits, bool Replayed) Step(GraphDecodeSession session, CausalLM model, long offset, FlopCounter flops)
    {
        var result = session.Step(model, offset, flops, runtime, deviceIndex);
        if (result.Captured) Captures++;
        if (result.Replayed) Replays++;
        if (session.CaptureFailure is not null) LastCaptureFailure = session.CaptureFailure;
        return (result.Logits, result.Replayed);
    }

    /// <summary>The prefill of <paramref name="batch"/> from the session's graphs (see <see cref="PrefillGraphs"/>): its
    /// fp32 logits [rows, vocab], or null when it is to run eagerly.</summary>
    internal global::TorchSharp.torch.Tensor? Prefill(GraphDecodeSession session, CausalLM model, PaddedBatch batch, FlopCounter flops)
    {
        if (!prefills) return null;
        var (logits, captured) = session.Prefills.Run(model, batch, session.Cache, flops, runtime, deviceIndex);
        if (captured) Captures++;
        if (logits is not null) PrefillReplays++;
        if (session.Prefills.CaptureFailure is not null) LastCaptureFailure = "prefill: " + session.Prefills.CaptureFailure;
        return logits;
    }

    public void Dispose()
    {
        foreach (var session in _sessions) session.Dispose();
        _sessions.Clear();
    }
}
