using Lem.Engine.Metrics;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Running;

/// <summary>Latency summaries of a workload in the record's shape (milliseconds, keyed by <see cref="LatencyNames"/>).</summary>
internal static class LatencyRecords
{
    public static IReadOnlyDictionary<string, Results.Schema.LatencySummary> From(WorkloadMetrics metrics)
    {
        var result = new Dictionary<string, Results.Schema.LatencySummary>(StringComparer.Ordinal);
        void Put(string name, Metrics.LatencySummary? s)
        {
            if (Results.Schema.LatencySummary.From(s) is { } summary) result[name] = summary;
        }
        Put(LatencyNames.Ttft, metrics.TtftMs);
        Put(LatencyNames.Itl, metrics.ItlMs);
        Put(LatencyNames.ItlTrimmed, metrics.ItlTrimmedMs);
        Put(LatencyNames.Tpot, metrics.TpotMs);
        Put(LatencyNames.E2e, metrics.E2eLatencyMs);
        Put(LatencyNames.QueueTime, metrics.QueueTimeMs);
        return result;
    }
}
