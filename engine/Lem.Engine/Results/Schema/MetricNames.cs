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

    public const string EnergyCpuSystemJ = "energy_cpu_system_j";
    public const string EnergyRamSystemJ = "energy_ram_system_j";
    public const string EnergyTotalSystemJ = "energy_total_system_j";
    public const string EnergyPerOutputTokenSystemJ = "energy_per_output_token_system_j";
    public const string HostProcessCpuShare = "host_process_cpu_share";
    public const string HostOtherCpuShare = "host_other_cpu_share";
    public const string HostBaselinePowerW = "host_baseline_power_w";
    public const string EnergyHostAdjustedJ = "energy_host_adjusted_j";
    public const string EnergyEstimatedShare = "energy_estimated_share";

    public const string PrefillTimeS = "prefill_time_s";
    public const string DecodeTimeS = "decode_time_s";
    public const string GpuPrefillEnergyJ = "gpu_prefill_energy_j";
    public const string GpuDecodeEnergyJ = "gpu_decode_energy_j";
    public const string CpuPrefillEnergyJ = "cpu_prefill_energy_j";
    public const string CpuDecodeEnergyJ = "cpu_decode_energy_j";
    public const string RamPrefillEnergyJ = "ram_prefill_energy_j";
    public const string RamDecodeEnergyJ = "ram_decode_energy_j";
    public const string EnergyPrefillJ = "energy_prefill_j";
    public const string EnergyDecodeJ = "energy_decode_j";
    public const string EnergyPerInputTokenJ = "energy_per_input_token_j";
    public const string EnergyWhPer1kOutputTokens = "energy_wh_per_1k_output_tokens";
    public const string RequestEnergyJMean = "request_energy_j_mean";
    public const string RequestEnergyJP50 = "request_energy_j_p50";
    public const string RequestEnergyJP99 = "request_energy_j_p99";
    public const string SteadyStateShare = "steady_state_share";
    public const string EnergySteadyStateJ = "energy_steady_state_j";
    public const string PowerSampleCoverage = "power_sample_coverage";

    public const string GoodputRequestsPerS = "goodput_requests_per_s";
    public const string PaddingRatio = "padding_ratio";
    public const string EffectiveBatchSize = "effective_batch_size";

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
    public const string ModelLoadEnergyJ = "model_load_energy_j";

    /// <summary>The statistics of each latency, in this order: <c>ttft_ms_mean</c>, <c>ttft_ms_p50</c>...</summary>
    public static readonly IReadOnlyList<string> LatencyStatistics = ["mean", "p50", "p90", "p95", "p99"];

    /// <summary>Name of a latency statistic: <c>Latency("ttft", "p50")</c> is <c>ttft_ms_p50</c>.</summary>
    public static string Latency(string latency, string statistic) => $"{latency}_ms_{statistic}";

    /// <summary>Name of a latency's sample count: <c>ttft_samples</c>.</summary>
    public static string LatencySamples(string latency) => $"{latency}_samples";

    public static readonly IReadOnlyList<MetricDefinition> Canonical = Build();

    private static readonly HashSet<string> CanonicalSet = Canonical.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    private static readonly Dictionary<string, MetricDefinition> ByName = Canonical.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static bool IsCanonical(string name) => CanonicalSet.Contains(name);

    /// <summary>True for a canonical metric derived from the record's sections (which no meter may set).</summary>
    public static bool IsDerived(string name) => ByName.TryGetValue(name, out var m) && !m.Recorded;

    /// <summary>The definition of a canonical metric, or null.</summary>
    public static MetricDefinition? Find(string name) => ByName.GetValueOrDefault(name);

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
            new(EnergyCpuSystemJ, "J", "The whole machine's CPU energy (host section, system figures); energy_cpu_j is the measured processes' share of it."),
            new(EnergyRamSystemJ, "J", "The whole machine's RAM energy (host section, system figures); energy_ram_j is the measured processes' part of it."),
            new(EnergyTotalSystemJ, "J", "energy_total_j with the host components' system figures in place of the process figures."),
            new(EnergyPerOutputTokenSystemJ, "J/token", "energy_total_system_j / output_tokens."),
            new(HostProcessCpuShare, "fraction", "CPU time of the measured processes / busy CPU time of the machine over the window (the share of host energy attributed to them)."),
            new(HostOtherCpuShare, "fraction", "Busy CPU time of all other processes / all CPU time of the machine over the window."),
            new(HostBaselinePowerW, "W", "Idle power of the machine's host components (RAPL or estimates), summed."),
            new(EnergyHostAdjustedJ, "J", "Σ over host components of the process share × (system energy − idle power × window_duration_s)."),
            new(EnergyEstimatedShare, "fraction", "Estimated components' energy / energy_total_j."),
            new(PrefillTimeS, "s", "Σ over batches of prefill time (batch start → first tokens on the host).", Recorded: true),
            new(DecodeTimeS, "s", "Σ over batches of decode time (first tokens → last tokens).", Recorded: true),
            new(GpuPrefillEnergyJ, "J", "GPU energy of the prefill phases, summed over batches and GPUs.", Recorded: true),
            new(GpuDecodeEnergyJ, "J", "GPU energy of the decode phases, summed over batches and GPUs.", Recorded: true),
            new(CpuPrefillEnergyJ, "J", "Host CPU energy (process share) of the prefill phases, from readings at each batch's start and first token.", Recorded: true),
            new(CpuDecodeEnergyJ, "J", "Host CPU energy (process share) of the decode phases, from readings at each batch's first token and end.", Recorded: true),
            new(RamPrefillEnergyJ, "J", "RAM energy (process part) of the prefill phases.", Recorded: true),
            new(RamDecodeEnergyJ, "J", "RAM energy (process part) of the decode phases.", Recorded: true),
            new(EnergyPrefillJ, "J", "Σ of the gpu/cpu/ram prefill energies of every energy category the run has; absent when one lacks it."),
            new(EnergyDecodeJ, "J", "Σ of the gpu/cpu/ram decode energies of every energy category the run has; absent when one lacks it."),
            new(EnergyPerInputTokenJ, "J/token", "energy_prefill_j / prompt_tokens."),
            new(EnergyWhPer1kOutputTokens, "Wh/1000 tokens", "energy_total_j / 3600 / output_tokens × 1000."),
            new(RequestEnergyJMean, "J/request", "Mean of the per-request energies E_r = P̄ × ∫ 1/n(t) dt over the request (power shared among the requests in flight).", Recorded: true, Aggregation: RecordedAggregation.SingleWorker),
            new(RequestEnergyJP50, "J/request", "Median of the per-request energies.", Recorded: true, Aggregation: RecordedAggregation.SingleWorker),
            new(RequestEnergyJP99, "J/request", "99th percentile of the per-request energies.", Recorded: true, Aggregation: RecordedAggregation.SingleWorker),
            new(SteadyStateShare, "fraction", "Share of the window with at least the target number of requests in flight (validity section)."),
            new(EnergySteadyStateJ, "J", "Energy over the steady part of the window, from power samples where there are some (validity section)."),
            new(PowerSampleCoverage, "fraction", "Share of the window covered by GPU power samples (validity section)."),
            new(GoodputRequestsPerS, "requests/s", "Requests meeting every goodput target / window_duration_s (absent without targets).", Recorded: true, Aggregation: RecordedAggregation.Recomputed),
            new(PaddingRatio, "ratio", "(padded prompt tokens − real prompt tokens) / padded prompt tokens, over the run's batches.", Recorded: true, Aggregation: RecordedAggregation.Recomputed),
            new(EffectiveBatchSize, "requests", "Mean rows per batch.", Recorded: true, Aggregation: RecordedAggregation.Recomputed),
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
            new(PeakProcessRssBytes, "bytes", "Peak resident set of the measured processes in this window (VmHWM reset at the window's start, or the largest sample; memory.peak_process_rss_method says which). Records written before that hold the lem process's lifetime peak."),
            new(PeakDeviceMemoryBytes, "bytes", "Peak device memory of a worker (the largest across workers)."),
            new(ModelParameters, "parameters", "Parameters of the model, embeddings included."),
            new(ModelWeightBytes, "bytes", "Weight bytes resident on the device at the loaded precision."),
            new(ModelLoadS, "s", "Time to load the weights (the largest across workers); absent when the model was already loaded."),
            new(ModelLoadEnergyJ, "J", "Energy of the model load, outside the measurement window: the metered GPUs' counter delta plus the host's CPU and RAM (the whole machine's) over the load, summed over components and workers (model.load_energy has each with its source); absent when the model was already loaded."),
        ]);
        return list;
    }
}
