using Lem.Backends.TorchSharp.CudaGraphs;
using static TorchSharp.torch;

namespace Lem.Backends.TorchSharp.Generation;

/// <summary>
/// Brings each decode step's new tokens (int64 [rows] on the device) to the host, in two slots used in turn. With CUDA
/// events (<see cref="Asynchronous"/>) the copy goes to pinned host memory without blocking and <see cref="Read"/>
/// waits for that copy alone, so the next step, queued behind it, runs while the host handles these tokens.
/// Otherwise the copy is made, synchronously, when it is queued.
/// </summary>
internal sealed class TokenReadback : IDisposable
{
    private const int Slots = 2;
    private readonly Tensor[] _host = new Tensor[Slots];
    private readonly CudaEvent[]? _events;

    /// <param name="newEvent">Makes a CUDA event on the tokens' device (null: synchronous copies).</param>
    public TokenReadback(int rows, Func<CudaEvent>? newEvent)
    {
        for (var i = 0; i < Slots; i++)
        {
            using var plain = zeros([rows], ScalarType.Int64);
            _host[i] = newEvent is null ? plain.clone() : plain.pin_memory();
        }
        if (newEvent is not null) _events = [newEvent(), newEvent()];
    }

    /// <summary>Whether a queued copy may still be running when <see cref="Enqueue"/> returns.</summary>
    public bool Asynchronous => _events is not null;

    /// <summary>Queues the copy of <paramref name="tokens"/> (step <paramref name="step"/>'s) behind the work already queued.</summary>
    public void Enqueue(Tensor tokens, int step)
    {
        var slot = step % Slots;
        _host[slot].copy_(tokens.view(-1), Asynchronous);
        _events?[slot].Record();
    }

    /// <summary>Waits for step <paramref name="step"/>'s copy and writes its tokens into <paramref name="into"/>.</summary>
    public void Read(int step, long[] into)
    {
        var slot = step % Slots;
        _events?[slot].Wait();
        _host[slot].data<long>().CopyTo(into, 0, 0);
    }

    public void Dispose()
    {
        foreach (var t in _host) t.Dispose();
        if (_events is not null) foreach (var e in _events) e.Dispose();
    }
}
