namespace Lem.Engine.Metrics;

/// <summary>
/// Service-level targets for goodput. A request is good when every given target holds (≤). A request with a
/// single output token has no TPOT and is judged by the other targets; a request without a first token is never good.
/// </summary>
public sealed record GoodputTargets(double? TtftMs = null, double? TpotMs = null, double? E2eLatencyMs = null)
{
    public bool IsEmpty => TtftMs is null && TpotMs is null && E2eLatencyMs is null;
}
