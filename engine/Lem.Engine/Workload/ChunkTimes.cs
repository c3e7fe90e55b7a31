using System.Diagnostics;
using Lem.Engine.Inference;

namespace Lem.Engine.Workload;

/// <summary>
/// Records one streamed response as it arrives (<see cref="IRequestObserver"/>): the send time and each chunk's arrival
/// with the tokens it carried where the backend knew. Called from the response's own task; read after it completed.
/// </summary>
/// <param name="firstChunk">Called once, with the arrival of the first chunk that carries tokens.</param>
internal sealed class ChunkTimes(Action<long>? firstChunk = null) : IRequestObserver
{
    private readonly List<(long Ticks, int? Tokens)> _chunks = [];

    public long? SentTicks { get; private set; }
    public IReadOnlyList<(long Ticks, int? Tokens)> Chunks => _chunks;

    public void OnSent(long timestampTicks) => SentTicks ??= timestampTicks;

    public void OnChunk(long timestampTicks, int? tokens)
    {
        if (tokens is 0) return; // a chunk without new tokens (a role header, keep-alive data) is no token arrival
        if (_chunks.Count == 0) firstChunk?.Invoke(timestampTicks);
        _chunks.Add((timestampTicks, tokens));
    }

    /// <summary>
    /// The host arrival time of each of <paramref name="outputTokens"/> tokens, seconds after <paramref name="windowStartTicks"/>.
    /// A chunk of one token gives that token its arrival time. A chunk of k &gt; 1 tokens (or chunks without counts, whose
    /// total is spread over them in equal parts) has its tokens placed evenly between the previous chunk's arrival and
    /// its own, the last at its own; the first chunk's tokens all arrive with it (<c>FirstChunkTokens</c> of them, whose
    /// gaps among themselves are no inter-token latency). <c>Spread</c> says whether any chunk carried other than exactly
    /// one token (token times then were placed, not observed).
    /// </summary>
    public (double[] TimesS, bool Spread, int FirstChunkTokens) TokenTimesS(int outputTokens, long windowStartTicks)
    {
        if (outputTokens <= 0 || _chunks.Count == 0) return ([], false, 1);
        var counts = TokensPerChunk(outputTokens);
        var times = new List<double>(outputTokens);
        double SecondsOf(long ticks) => (double)(ticks - windowStartTicks) / Stopwatch.Frequency;
        for (var c = 0; c < _chunks.Count; c++)
        {
            var k = counts[c];
            if (k == 0) continue;
            var arrival = SecondsOf(_chunks[c].Ticks);
            if (c == 0 || times.Count == 0)
            {
                for (var j = 0; j < k; j++) times.Add(arrival);
                continue;
            }
            var previous = SecondsOf(_chunks[c - 1].Ticks);
            for (var j = 1; j <= k; j++) times.Add(previous + (arrival - previous) * j / k);
        }
        var firstChunk = Math.Max(1, counts.First(k => k > 0));
        return (times.Take(outputTokens).ToArray(), counts.Any(k => k != 1), firstChunk);
    }

    /// <summary>Tokens per chunk: the backend's counts where all chunks have one and they add up; else the total in equal parts.</summary>
    private int[] TokensPerChunk(int outputTokens)
    {
        if (_chunks.All(c => c.Tokens is not null) && _chunks.Sum(c => c.Tokens!.Value) == outputTokens)
            return _chunks.Select(c => c.Tokens!.Value).ToArray();
        var counts = new int[_chunks.Count];
        for (var t = 0; t < outputTokens; t++) counts[(long)t * _chunks.Count / outputTokens]++;
        return counts;
    }
}
