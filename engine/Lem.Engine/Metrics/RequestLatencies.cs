using Lem.Engine.Workload;

namespace Lem.Engine.Metrics;

/// <summary>
/// The latencies of one request, milliseconds:
/// TTFT = first token − arrival; E2E = end − arrival; queue time = start − arrival;
/// TPOT = (E2E − TTFT) / (output tokens − 1), null with fewer than two output tokens.
/// </summary>
public sealed record RequestLatencies(int RequestIndex, double? TtftMs, double? TpotMs, double E2eLatencyMs, double QueueTimeMs, int OutputTokens)
{
    public static RequestLatencies Of(RequestRecord r)
    {
        double? ttftMs = r.FirstTokenS is { } first ? (first - r.ArrivalS) * 1000 : null;
        var e2eMs = (r.EndS - r.ArrivalS) * 1000;
        double? tpotMs = r.OutputTokens > 1 && ttftMs is { } t ? (e2eMs - t) / (r.OutputTokens - 1) : null;
        return new RequestLatencies(r.RequestIndex, ttftMs, tpotMs, e2eMs, (r.StartS - r.ArrivalS) * 1000, r.OutputTokens);
    }

    public bool Meets(GoodputTargets targets) =>
        TtftMs is { } ttft
        && (targets.TtftMs is null || ttft <= targets.TtftMs)
        && (targets.TpotMs is null || TpotMs is null || TpotMs <= targets.TpotMs)
        && (targets.E2eLatencyMs is null || E2eLatencyMs <= targets.E2eLatencyMs);
}
