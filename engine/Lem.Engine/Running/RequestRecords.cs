using Lem.Engine.Metrics;

namespace Lem.Engine.Running;

/// <summary>A workload request in the record's shape (times in ms, relative to the window's start).</summary>
internal static class RequestRecords
{
    /// <summary>Request shape only: arrival to send. In the batch shape the wait for a batch is part of TTFT and not split out here.</summary>
    private static double? QueueMs(Workload.RequestRecord r) => r.BatchIndex is null ? Math.Max(0, r.StartS - r.ArrivalS) * 1000 : null;

    public static Results.Schema.RequestRecord From(Workload.RequestRecord r)
    {
        var latencies = RequestLatencies.Of(r);
        var gaps = InterTokenLatency.GapsMs(r).ToArray();
        if (!r.Succeeded)
            return new Results.Schema.RequestRecord(r.RequestIndex, r.PromptTokens, 0, r.ArrivalS, null, null, null, null,
                QueueMs(r), r.Error, Facts: r.Facts, StartS: r.StartS);
        return new Results.Schema.RequestRecord(r.RequestIndex, r.PromptTokens, r.OutputTokens, r.ArrivalS,
            latencies.TtftMs, latencies.E2eLatencyMs, latencies.TpotMs, gaps, QueueMs(r), TokenTimesSpread: r.TokenTimesSpread ? true : null, Facts: r.Facts,
            StartS: r.StartS, OutputTokensUnknown: r.OutputTokensUnknown ? true : null);
    }
}
