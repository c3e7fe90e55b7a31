using Lem.Backends.TorchSharp.CudaGraphs;
using Lem.Backends.TorchSharp.Models;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// CUDA-graph decoding for one batch shape (rows × cache capacity) and one way of choosing tokens (greedy on the
/// device, or sampled on the host from the logits). Its KV cache and step inputs live as long as the session, so one
/// captured decode step serves every later generate call of that shape. The first decode step of a new session runs
/// eagerly (it warms up kernels and grows the RoPE tables); the second is captured and replayed. The captured step is
/// <see cref="StaticDecodeInputs.RunStep"/>: it advances its own inputs, so replays need no host work between them.
/// </summary>
internal sealed class GraphDecodeSession : IDisposable
{
    private bool _warmedUp;
    private Tensor? _logits;
    private double _stepFlops;

    /// <param name="newEvent">Makes a CUDA event on <paramref name="device"/>, for the session's token readback.</param>
    public GraphDecodeSession(ModelConfig config, int rows, long capacity, ScalarType dtype, Device device, bool greedy, Func<CudaEvent> newEvent)
    {
        Rows = rows;
        Capacity = capacity;
        Cache = new KvCache(config.NumHiddenLayers, rows, config.NumKeyValueHeads, capacity, config.HeadDim, dtype, device);
        Inputs = new StaticDecodeInputs(rows, capacity, dtype, device, greedy);
        Readback = new TokenReadback(rows, newEvent);
    }

    public int Rows { get; }
    public long Capacity { get; }
    public bool Greedy => Inputs.Greedy is not null;
    public KvCache Cache { get; }
    public StaticDecodeInputs Inputs { get; }

    /// <summary>The pinned buffers and events that bring each step's tokens to the host: made once, with the session
    /// (in the warm-up), not in every generate call's measured time.</summary>
    public TokenReadback Readback { get; }
    public CudaGraph? Graph { get; private set; }

    /// <summary>The session's captured prefills (they write its KV cache).</summary>
    public PrefillGraphs Prefills { get; } = new();

    /// <summary>Why capturing failed (the session then decodes eagerly); null when it did not fail.</summary>
    public string? CaptureFailure { get; private set; }

    /// <summary>
    /// Queues the decode step that writes cache position <paramref name="offset"/> and returns its fp32 logits [rows, vocab].
    /// A replayed step's tensor belongs to the session (the graph writes into it on every replay): do not dispose it.
    /// </summary>
    /// <returns>The logits, whether they came from a replayed graph, and whether this step captured it.</returns>
    public (Tensor Logits, bool Replayed, bool Captured) Step(CausalLM model, long offset, FlopCounter flops,
        CudaGraphRuntime runtime, int deviceIndex)
    {
        if (!_warmedUp || CaptureFailure is not null)
        {
            _warmedUp = true;
            return (Inputs.RunStep(model, Cache, offset, flops), false, false); // owned by the caller's dispose scope
        }
        var captured = false;
        if (Graph is null)
        {
            var counter = new FlopCounter { Decoding = true };
            try
            {
                Graph = runtime.Capture(deviceIndex, () =>
                {
                    using var scope = NewDisposeScope();
                    _logits = Inputs.RunStep(model, Cache, offset, counter).DetachFromDisposeScope();
                });
            }
            catch (Exception e) when (e is CudaGraphException or System.Runtime.InteropServices.ExternalException)
            {
                // nothing ran during the failed capture: this step and the rest of the session run eagerly
                CaptureFailure = e.Message;
                _logits?.Dispose();
                _logits = null;
                return (Inputs.RunStep(model, Cache, offset, flops), false, false);
            }
            _stepFlops = counter.DecodeFlops;
            captured = true;
        }
        Graph.Replay();
        flops.AddDecode(_stepFlops);
        return (_logits!, true, captured);
    }

    public void Dispose()
    {
        Graph?.Dispose();
        Prefills.Dispose();
        _logits?.Dispose();
        Cache.Dispose();
        Inputs.Dispose();
        Readback.Dispose();
    }
}
