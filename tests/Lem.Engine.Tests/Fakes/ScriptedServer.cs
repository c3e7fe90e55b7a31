using System.Diagnostics;
using Lem.Engine.Inference;
using Lem.Engine.Meters;
using Lem.Engine.Tests.Workload;

namespace Lem.Engine.Tests.Fakes;

/// <summary>
/// A stand-in for a streaming server (<see cref="IRequestModel"/>): each request's first chunk comes
/// <see cref="FirstChunkMs"/> after it is sent, then one chunk of <c>chunkTokens</c> tokens every <see cref="ChunkMs"/>,
/// until max_new_tokens; all on its clock. The usage report gives the token count. Requests whose index is in
/// <see cref="FailingRequests"/> fail with an HTTP-like error after the first chunk; <see cref="UnknownChunkCounts"/>
/// leaves chunk token counts to the usage report (as an OpenAI text stream does).
/// </summary>
internal sealed class ScriptedServer(MeterClock clock, int chunkTokens = 1) : IRequestModel
{
    public double FirstChunkMs { get; init; } = 20;
    public double ChunkMs { get; init; } = 5;
    public HashSet<int> FailingRequests { get; init; } = [];
    public bool UnknownChunkCounts { get; init; }

    /// <summary>Requests whose index is here get no usage report (no token count at all), as from a server that sends none.</summary>
    public HashSet<int> WithoutUsage { get; init; } = [];

    /// <summary>(request index, send time in ticks) in the order requests were sent.</summary>
    public List<(int Index, long SentTicks)> Sent { get; } = [];
    public int InFlight { get; private set; }
    public int MostInFlight { get; private set; }

    public ModelInfo Info { get; } = new("scripted", "ScriptedForCausalLM", "scripted", 1, 1, "bf16", "server", 4096, 50_000, null, "{}");
    public ITextTokenizer Tokenizer { get; } = new WordTokenizer();
    public long? PeakDeviceMemoryBytes => null;

    public async Task<RequestCompletion> GenerateAsync(InferenceRequest request, GenerationSettings settings, IRequestObserver observer, CancellationToken cancellation)
    {
        var sent = clock.NowTicks;
        Sent.Add((request.Index, sent));
        observer.OnSent(sent);
        InFlight++;
        MostInFlight = Math.Max(MostInFlight, InFlight);
        try
        {
            var produced = 0;
            var due = sent + Ticks(FirstChunkMs);
            while (produced < settings.MaxNewTokens)
            {
                await clock.DelayUntilAsync(due, cancellation).ConfigureAwait(false);
                var tokens = Math.Min(chunkTokens, settings.MaxNewTokens - produced);
                produced += tokens;
                observer.OnChunk(clock.NowTicks, UnknownChunkCounts ? null : tokens);
                if (FailingRequests.Contains(request.Index)) return new RequestCompletion(null, null, null, "HTTP 500 Internal Server Error");
                due += Ticks(ChunkMs);
            }
            return WithoutUsage.Contains(request.Index)
                ? new RequestCompletion(null, null, "length")
                : new RequestCompletion(produced, request.PromptTokenIds.Length, "length");
        }
        finally
        {
            InFlight--;
        }
    }

    private static long Ticks(double ms) => (long)Math.Round(ms / 1000 * Stopwatch.Frequency);

    public void Synchronize() { }
    public void ResetPeakDeviceMemory() { }
    public void Dispose() { }
}
