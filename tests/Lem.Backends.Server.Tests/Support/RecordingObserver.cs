using System.Collections.Concurrent;
using Lem.Engine.Inference;

namespace Lem.Backends.Server.Tests.Support;

/// <summary>Keeps what a stream told it, in order; an optional action runs at each chunk (a test that kills the server mid-stream).</summary>
public sealed class RecordingObserver(Action<int>? onChunk = null) : IRequestObserver
{
    public long? SentAt { get; private set; }
    public ConcurrentQueue<(long Ticks, int? Tokens)> Chunks { get; } = new();

    public void OnSent(long timestampTicks) => SentAt = timestampTicks;

    public void OnChunk(long timestampTicks, int? tokens)
    {
        Chunks.Enqueue((timestampTicks, tokens));
        onChunk?.Invoke(Chunks.Count);
    }
}
