namespace Lem.Backends.Server.Engines;

/// <summary>The server-side series lem keeps, and the Prometheus names each engine gives them.</summary>
public static class StandardMetrics
{
    public const string RunningRequests = "server_running_requests";
    public const string WaitingRequests = "server_waiting_requests";
    public const string KvCacheUsage = "server_kv_cache_usage_ratio";
    public const string PrefixCacheHits = "server_prefix_cache_hits";
    public const string PrefixCacheQueries = "server_prefix_cache_queries";
    public const string PrefixCacheHitRate = "server_prefix_cache_hit_ratio";
    public const string Preemptions = "server_preemptions";
    public const string PromptTokens = "server_prompt_tokens";
    public const string GenerationTokens = "server_generation_tokens";
    public const string DecodeCalls = "server_decode_calls";

    // vLLM renamed its cache metrics in V1 (gpu_cache_usage_perc → kv_cache_usage_perc, gpu_prefix_cache_* → prefix_cache_*).
    public static readonly IReadOnlyList<ServerMetric> Vllm =
    [
        new(RunningRequests, ServerMetricKind.Gauge, "requests running", "vllm:num_requests_running"),
        new(WaitingRequests, ServerMetricKind.Gauge, "requests waiting", "vllm:num_requests_waiting"),
        new(KvCacheUsage, ServerMetricKind.Ratio, "KV-cache usage, 0..1", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"),
        new(PrefixCacheHits, ServerMetricKind.Counter, "prefix-cache hits, tokens", "vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"),
        new(PrefixCacheQueries, ServerMetricKind.Counter, "prefix-cache queries, tokens", "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total"),
        new(Preemptions, ServerMetricKind.Counter, "preemptions", "vllm:num_preemptions_total"),
        new(PromptTokens, ServerMetricKind.Counter, "prompt tokens processed", "vllm:prompt_tokens_total"),
        new(GenerationTokens, ServerMetricKind.Counter, "tokens generated", "vllm:generation_tokens_total"),
    ];

    public static readonly IReadOnlyList<ServerMetric> Sglang =
    [
        new(RunningRequests, ServerMetricKind.Gauge, "requests running", "sglang:num_running_reqs"),
        new(WaitingRequests, ServerMetricKind.Gauge, "requests queued", "sglang:num_queue_reqs"),
        new(KvCacheUsage, ServerMetricKind.Ratio, "KV-cache token usage, 0..1", "sglang:token_usage"),
        new(PrefixCacheHitRate, ServerMetricKind.Ratio, "radix-cache hit rate, 0..1", "sglang:cache_hit_rate"),
        new(Preemptions, ServerMetricKind.Counter, "retracted requests", "sglang:num_retracted_reqs_total", "sglang:num_retracted_reqs"),
        new(PromptTokens, ServerMetricKind.Counter, "prompt tokens processed", "sglang:prompt_tokens_total"),
        new(GenerationTokens, ServerMetricKind.Counter, "tokens generated", "sglang:generation_tokens_total"),
    ];

    public static readonly IReadOnlyList<ServerMetric> LlamaServer =
    [
        new(RunningRequests, ServerMetricKind.Gauge, "requests processing (busy slots)", "llamacpp:requests_processing"),
        new(WaitingRequests, ServerMetricKind.Gauge, "requests deferred", "llamacpp:requests_deferred"),
        new(KvCacheUsage, ServerMetricKind.Ratio, "KV-cache usage, 0..1 (older builds only)", "llamacpp:kv_cache_usage_ratio"),
        new(PromptTokens, ServerMetricKind.Counter, "prompt tokens processed", "llamacpp:prompt_tokens_total"),
        new(GenerationTokens, ServerMetricKind.Counter, "tokens generated", "llamacpp:tokens_predicted_total"),
        new(DecodeCalls, ServerMetricKind.Counter, "llama_decode() calls", "llamacpp:n_decode_total"),
    ];
}
