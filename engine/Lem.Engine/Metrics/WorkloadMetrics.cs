using System.Globalization;

namespace Lem.Engine.Metrics;

/// <summary>
/// Latency and throughput of one measured run, under the canonical names of <see cref="MetricNames"/>.
/// Latency summaries are null where nothing was observed (no per-token times: no ITL).
/// </summary>
/// <param name="WindowS">The measurement window the rates are computed over, seconds.</param>
/// <param name="TpotExcludedRequests">Requests left out of TPOT because they produced fewer than two tokens.</param>
/// <param name="GoodputRequestsPerS">Null when no goodput targets were given.</param>
public sealed record WorkloadMetrics(
    int Requests,
    long PromptTokens,
    long OutputTokens,
    double WindowS,
    LatencySummary? TtftMs,
    LatencySummary? ItlMs,
    LatencySummary? ItlTrimmedMs,
    LatencySummary? TpotMs,
    int TpotExcludedRequests,
    LatencySummary? E2eLatencyMs,
    LatencySummary? QueueTimeMs,
    double OutputTokensPerS,
    double TotalTokensPerS,
    double RequestsPerS,
    double? GoodputRequestsPerS,
    double? PaddingRatio,
    double? EffectiveBatchSize)
{
    /// <summary>Energy of the window divided by output tokens (J per output token); null without output tokens.</summary>
    public double? EnergyPerOutputTokenJ(double energyJ) => OutputTokens > 0 ? energyJ / OutputTokens : null;

    /// <summary>Energy of the window divided by requests (J per request); null without requests.</summary>
    public double? EnergyPerRequestJ(double energyJ) => Requests > 0 ? energyJ / Requests : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Requests} requests, {OutputTokens} output tokens in {WindowS:G6} s, {OutputTokensPerS:G6} output tokens/s");
}
