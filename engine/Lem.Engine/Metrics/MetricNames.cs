namespace Lem.Engine.Metrics;

/// <summary>
/// Canonical metric names, the same in the engine, result files, the language and plots (docs/metrics.md).
/// A latency metric's plain name is its mean; its distribution adds the suffixes <see cref="Suffixes"/>
/// (<c>ttft_ms_p99</c>, <c>ttft_ms_count</c>).
/// </summary>
public static class MetricNames
{
    public const string TtftMs = "ttft_ms";
    public const string ItlMs = "itl_ms";
    public const string ItlTrimmedMs = "itl_trimmed_ms";
    public const string TpotMs = "tpot_ms";
    public const string E2eLatencyMs = "e2e_latency_ms";
    public const string QueueTimeMs = "queue_time_ms";

    public const string OutputTokensPerS = "output_tokens_per_s";
    public const string TotalTokensPerS = "total_tokens_per_s";
    public const string RequestsPerS = "requests_per_s";
    public const string GoodputRequestsPerS = "goodput_requests_per_s";

    public const string PaddingRatio = "padding_ratio";
    public const string EffectiveBatchSize = "effective_batch_size";

    public const string Requests = "requests";
    public const string PromptTokens = "prompt_tokens";
    public const string OutputTokens = "output_tokens";
    public const string TpotExcludedRequests = "tpot_excluded_requests";
    public const string WindowS = "window_s";

    public const string EnergyPerOutputTokenJ = "energy_per_output_token_j";
    public const string EnergyPerRequestJ = "energy_per_request_j";

    /// <summary>Suffixes of a latency distribution: mean is the plain name.</summary>
    public static readonly string[] Suffixes = ["_p50", "_p90", "_p95", "_p99", "_min", "_max", "_count"];
}
