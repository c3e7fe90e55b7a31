using Lem.Engine.Workload;

namespace Lem.Engine.Metrics;

/// <summary>
/// Gaps between successive token arrivals of one request, milliseconds. A request with token times
/// t0 &lt; t1 &lt; … &lt; tn has the n gaps t1 − t0 … tn − tn−1 (the wait for t0 is TTFT, not a gap);
/// the trimmed gaps leave out the first (t1 − t0) and the last (tn − tn−1). Tokens that came in the first streamed
/// chunk together with t0 (<see cref="RequestRecord.FirstChunkTokens"/>) add no gap: the first gap is the one to the
/// next chunk's first token, as SGLang's bench_serving counts it (docs/metrics.md).
/// </summary>
public static class InterTokenLatency
{
    public static IEnumerable<double> GapsMs(RequestRecord request)
    {
        var times = request.TokenTimesS;
        for (var i = FirstGap(request); i < times.Length; i++) yield return (times[i] - times[i - 1]) * 1000;
    }

    public static IEnumerable<double> TrimmedGapsMs(RequestRecord request)
    {
        var times = request.TokenTimesS;
        for (var i = FirstGap(request) + 1; i < times.Length - 1; i++) yield return (times[i] - times[i - 1]) * 1000;
    }

    /// <summary>The index of the first token whose gap counts: the one after the tokens that arrived with the first.</summary>
    private static int FirstGap(RequestRecord request) => Math.Max(1, request.FirstChunkTokens);
}
