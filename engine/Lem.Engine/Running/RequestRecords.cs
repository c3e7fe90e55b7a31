using Lem.Engine.Metrics;

namespace Lem.Engine.Running;

/// <summary>A workload request in the record's shape (times in ms, relative to the window's start).</summary>
internal static class RequestRecords
{
    public static Results.Schema.RequestRecord From(Workload.RequestRecord r)
    {
        var latencies = RequestLatencies.Of(r);
        var gaps = InterTokenLatency.GapsMs(r).ToArray();
        return new Results.Schema.RequestRecord(r.RequestIndex, r.PromptTokens, r.OutputTokens, r.ArrivalS,
            latencies.TtftMs, latencies.E2eLatencyMs, latencies.TpotMs, gaps, r.StartS);
    }
}
