namespace Lem.Engine.Results.Schema;

/// <summary>
/// The canonical metric names of the flat metric map, CSV/Parquet columns, the language and plots — one name
/// everywhere, the unit in the name. <see cref="Canonical"/> is also the column order of exports (docs/results.md).
/// </summary>
public static class MetricNames
{
    public const string WindowDurationS = "window_duration_s";
    public const string Requests = "requests";
    public const string PromptTokens = "prompt_tokens";
    public const string PromptPaddedTokens = "prompt_padded_tokens";
    public const string OutputTokens = "output_tokens";
    public const string TotalTokens = "total_tokens";

    public const string OutputTokensPerS = "output_tokens_per_s";
    public const string TotalTokensPerS = "total_tokens_per_s";
    public const string RequestsPerS = "requests_per_s";

    public const string EnergyTotalJ = "energy_total_j";
    public const string EnergyGpuJ = "energy_gpu_j";
    public const string EnergyCpuJ = "energy_cpu_j";
    public const string EnergyRamJ = "energy_ram_j";
    public const string EnergyOtherJ = "energy_other_j";
    public const string EnergyPerOutputTokenJ = "energy_per_output_token_j";
    public const string EnergyPerTokenJ = "energy_per_token_j";
    public const string EnergyPerRequestJ = "energy_per_request_j";
    public const string EnergyGpuPerOutputTokenJ = "energy_gpu_per_output_token_j";
    public const string AvgPowerW = "avg_power_w";

    public const string BaselinePowerW = "baseline_power_w";
    public const string EnergyAdjustedJ = "energy_adjusted_j";

    public const string Co2G = "co2_g";
    public const string CarbonIntensityGPerKwh = "carbon_intensity_g_per_kwh";

    public const string FlopsPrefill = "flops_prefill";
    public const string FlopsDecode = "flops_decode";
    public const string FlopsTotal = "flops_total";
    public const string FlopsPerOutputToken = "flops_per_output_token";
    public const string Mfu = "mfu";
    public const string Mbu = "mbu";

    public const string PeakProcessRssBytes = "peak_process_rss_bytes";
    public const string PeakDeviceMemoryBytes = "peak_device_memory_bytes";

    public const string ModelParameters = "model_parameters";
    public const string ModelWeightBytes = "model_weight_bytes";
    public const string ModelLoadS = "model_load_s";

    /// <summary>The statistics of each latency, in this order: <c>ttft_ms_mean</c>, <c>ttft_ms_p50</c>...</summary>
    public static readonly IReadOnlyList<string> LatencyStatistics = ["mean", "p50", "p90", "p95", "p99"];

    /// <summary>Name of a latency statistic: <c>Latency("ttft", "p50")</c> is <c>ttft_ms_p50</c>.</summary>
    public static string Latency(string latency, string statistic) => $"{latency}_ms_{statistic}";

    /// <summary>Name of a latency's sample count: <c>ttft_samples</c>.</summary>
    public static string LatencySamples(string latency) => $"{latency}_samples";

    public static readonly IReadOnlyList<MetricDefinition> Canonical = Build();

    private static readonly HashSet<string> CanonicalSet = Canonical.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    public static bool IsCanonical(string name) => CanonicalSet.Contains(name);

    private static List<MetricDefinition> Build()
    {
        List<MetricDefinition> list =
        [
            new(WindowDurationS, "s", "Length of the measurement window (union of worker windows)."),
            new(Requests, "requests", "Requests completed in the window."),
            new(PromptTokens, "tokens", "Real prompt tokens (padding excluded)."),
            new(PromptPaddedTokens, "tokens", "Prompt tokens including padding, as processed."),
            new(OutputTokens, "tokens", "Generated tokens."),
            new(TotalTokens, "tokens", "prompt_tokens + output_tokens."),
            new(OutputTokensPerS, "tokens/s", "output_tokens / window_duration_s."),
            new(TotalTokensPerS, "tokens/s", "total_tokens / window_duration_s."),
            new(RequestsPerS, "requests/s", "requests / window_duration_s."),
            new(EnergyTotalJ, "J", "Sum of every component's energy; absent when any component is unavailable."),
            new(EnergyGpuJ, "J", "Sum of gpu* components; absent when any of them is unavailable."),
            new(EnergyCpuJ, "J", "Sum of cpu* components; absent when any of them is unavailable."),
            new(EnergyRamJ, "J", "Sum of ram*/dram* components; absent when any of them is unavailable."),
            new(EnergyOtherJ, "J", "Sum of other components; absent when any of them is unavailable."),
            new(EnergyPerOutputTokenJ, "J/token", "energy_total_j / output_tokens."),
            new(EnergyPerTokenJ, "J/token", "energy_total_j / total_tokens."),
            new(EnergyPerRequestJ, "J/request", "energy_total_j / requests."),
            new(EnergyGpuPerOutputTokenJ, "J/token", "energy_gpu_j / output_tokens (comparable with GPU-only peer figures)."),
            new(AvgPowerW, "W", "energy_total_j / window_duration_s."),
            new(BaselinePowerW, "W", "Idle power of the baseline's components."),
            new(EnergyAdjustedJ, "J", "Energy of the baseline's components minus baseline_power_w × window_duration_s."),
            new(Co2G, "g", "Energy (kWh) × PUE × carbon intensity."),
            new(CarbonIntensityGPerKwh, "g/kWh", "Grid carbon intensity used for co2_g."),
        ];
        foreach (var latency in LatencyNames.All)
        {
            foreach (var statistic in LatencyStatistics)
                list.Add(new(Latency(latency, statistic), "ms", $"{latency.ToUpperInvariant()} {statistic} (definitions in docs/metrics.md)."));
            list.Add(new(LatencySamples(latency), "samples", $"Number of {latency.ToUpperInvariant()} samples."));
        }
        list.AddRange(
        [
            new(FlopsPrefill, "FLOP", "Floating-point operations of prefill (a multiply-add counts 2)."),
            new(FlopsDecode, "FLOP", "Floating-point operations of decoding."),
            new(FlopsTotal, "FLOP", "flops_prefill + flops_decode."),
            new(FlopsPerOutputToken, "FLOP/token", "flops_total / output_tokens."),
            new(Mfu, "fraction", "Model FLOPs utilisation: achieved FLOP/s over peak FLOP/s (0..1)."),
            new(Mbu, "fraction", "Model bandwidth utilisation: achieved bytes/s over peak memory bandwidth (0..1)."),
            new(PeakProcessRssBytes, "bytes", "Peak resident set of the lem process since it started (VmHWM; in a campaign it can come from an earlier, larger run; data-parallel workers share the process). Device memory, by contrast, is the peak of this window."),
            new(PeakDeviceMemoryBytes, "bytes", "Peak device memory of a worker (the largest across workers)."),
            new(ModelParameters, "parameters", "Parameters of the model, embeddings included."),
            new(ModelWeightBytes, "bytes", "Weight bytes resident on the device at the loaded precision."),
            new(ModelLoadS, "s", "Time to load the weights (the largest across workers); absent when the model was already loaded."),
        ]);
        return list;
    }
}
