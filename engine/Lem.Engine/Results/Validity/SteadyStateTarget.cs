using Lem.Engine.Config;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Validity;

/// <summary>
/// What steady state means for a record, read from the record itself (its execution shape and config) so that a record
/// is judged the same wherever it is judged: the number of requests in flight the steady share counts (the target), and
/// whether that share is judged. Where the workload fixes how many requests are in flight, it is judged: the batch size
/// (batch shape, no traffic), <c>traffic.concurrency</c> (closed loop), <c>traffic.max_concurrency</c> (a capped open
/// loop). Where the arrivals decide it (open-loop traffic with no cap), no number of requests is meant to be in flight,
/// so the share is reported but not judged: at the batch size in the batch shape, at one request (the busy share) in the
/// request shape.
/// </summary>
/// <param name="NotJudgedReason">Null when the share is judged; else why not.</param>
public sealed record SteadyStateTarget(int InFlight, string? NotJudgedReason)
{
    public bool Judged => NotJudgedReason is null;

    /// <summary>Null when the record has no target (no batch size in a batch-shape record, say).</summary>
    public static SteadyStateTarget? Of(RunFigures record)
    {
        var mode = ConfigText(record, "traffic.mode") is { } word && Enum.TryParse<TrafficMode>(word, ignoreCase: true, out var m) ? m : TrafficMode.None;
        var openLoop = mode is TrafficMode.Constant or TrafficMode.Poisson;
        if (record.Window.ExecutionShape == "request")
        {
            if (mode == TrafficMode.Concurrent)
                return ConfigInteger(record, "traffic.concurrency") is { } concurrency ? new SteadyStateTarget(concurrency, null) : null;
            if (ConfigInteger(record, "traffic.max_concurrency") is { } cap) return new SteadyStateTarget(cap, null);
            return new SteadyStateTarget(1, openLoop
                ? $"not judged: open loop ({ConfigWords.Of(mode)} arrivals, no traffic.max_concurrency), so the arrivals decide how many requests are in flight"
                : "not judged: every request is sent at t = 0 with no traffic.max_concurrency, so no number of requests is meant to stay in flight");
        }
        if (ConfigInteger(record, "batching.batch_size") is not { } batchSize) return null;
        return new SteadyStateTarget(batchSize, openLoop
            ? $"not judged: open loop ({ConfigWords.Of(mode)} arrivals), so the arrivals decide how full each batch is"
            : null);
    }

    private static int? ConfigInteger(RunFigures record, string name) =>
        record.Config.TryGetValue(name, out var p) && ParameterRecord.Number(p.Value) is { } v ? (int)v : null;

    private static string? ConfigText(RunFigures record, string name) =>
        record.Config.TryGetValue(name, out var p) && p.Value is not null ? ParameterRecord.Text(p.Value) : null;
}
