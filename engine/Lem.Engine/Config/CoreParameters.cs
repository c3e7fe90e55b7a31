namespace Lem.Engine.Config;

using static ConfigValue;

/// <summary>
/// The engine's own parameters, one entry per parameter, grouped by section; <see cref="ParameterRegistry.Compose"/>
/// adds <c>backend</c> and <c>quantization</c> (their values come from the backend modules) and every module's section.
/// Min and Max are inclusive; for Duration parameters they are in seconds.
/// </summary>
internal static class CoreParameters
{
    public static readonly string[] Precisions = ["fp32", "fp16", "bf16"];

    /// <summary>The name of the parameter whose value picks the backend module.</summary>
    public const string Backend = "backend";

    /// <summary>The name of the weight-quantization parameter, whose values the modules' capabilities give.</summary>
    public const string Quantization = "quantization";

    public static readonly ParameterDefinition[] Definitions =
    [
        // model and placement
        new("model", ParameterKind.Model, new Call("synthetic", [new Text("tiny")], []),
            "Model to run: a path (a Hugging Face layout folder with config.json, safetensors and tokenizer; or what the backend loads: a GGUF file, an ONNX Runtime GenAI folder, a server's model id), or synthetic(\"PRESET\", seed = N) for seeded random weights of a real architecture, written in the backend's format into the cache on first use (the same weights for every backend)."),
        new("device", ParameterKind.Text, new Text("cpu"),
            "Device the model runs on: \"cpu\" or \"cuda:N\" (N counts the GPUs visible to the process, after CUDA_VISIBLE_DEVICES). With parallel.mode other than none, parallel.devices is used instead. Which GPUs are metered is measurement.gpus."),
        new("precision", ParameterKind.Choice, new Word("fp32"), "Weight and activation precision.", AllowedValues: Precisions),

        // output length
        new("max_new_tokens", ParameterKind.Integer, new Integer(32), "Most tokens generated per prompt.", Unit: "tokens", Min: 1, Max: 1_000_000),
        new("min_new_tokens", ParameterKind.Integer, new Integer(0),
            "Fewest tokens generated per prompt (EOS is ignored until then). Set equal to max_new_tokens to pin the output length for controlled comparisons.", Unit: "tokens", Min: 0, Max: 1_000_000),

        // workload
        new("prompts", ParameterKind.Prompts, new Call("synthetic", [], [new("count", new Integer(8)), new("input_tokens", new Integer(32))]),
            "Prompt source: synthetic(count = N, input_tokens = N, min_input_tokens = N, seed = N) for generated prompts of exact token counts, or file(\"PATH\", format = text|jsonl|json|csv|alpaca|gsm8k|sharegpt, column = \"text\", sample = N, shuffle = true, seed = N) for prompts read from a file."),
        new("batching.strategy", ParameterKind.Choice, new Word("static"),
            "How prompts are grouped into batches: static (fixed batch_size, in prompt order), dynamic (fill a batch up to batch_size prompts and max_tokens_per_batch padded tokens), sorted_static and sorted_dynamic (the same after sorting prompts by length, which reduces padding).",
            AllowedValues: ["static", "dynamic", "sorted_static", "sorted_dynamic"]),
        new("batching.batch_size", ParameterKind.Integer, new Integer(1), "Prompts per batch (static strategies), or the most prompts per batch (dynamic).", Unit: "prompts", Min: 1, Max: 65536),
        new("batching.max_tokens_per_batch", ParameterKind.Integer, new Integer(8192),
            "Dynamic strategies: a batch's padded prompt tokens (prompts x longest prompt) never exceed this. Must hold the longest prompt.", Unit: "tokens", Min: 1, Max: 100_000_000),

        // decoding
        new("decoder.preset", ParameterKind.Choice, new Word("deterministic"),
            "Decoder preset; explicit decoder.* parameters override it value by value. " + DecoderPresets.Summary + " (min_p 0 and repetition_penalty 1 in every preset).",
            AllowedValues: [.. DecoderPresets.All.Select(p => p.Name)]),
        new("decoder.temperature", ParameterKind.Decimal, null, "Sampling temperature: logits are divided by it before sampling; 0 means greedy decoding. Unset: from the preset.", Min: 0, Max: 100),
        new("decoder.top_p", ParameterKind.Decimal, null, "Nucleus sampling: keep the smallest set of tokens whose probability reaches top_p; 1 disables. Unset: from the preset.", Min: 0, Max: 1),
        new("decoder.top_k", ParameterKind.Integer, null, "Keep the k most probable tokens; 0 disables. Unset: from the preset.", Unit: "tokens", Min: 0, Max: 1_000_000),
        new("decoder.min_p", ParameterKind.Decimal, null, "Keep tokens whose probability is at least min_p times that of the most probable token; 0 disables. Unset: from the preset.", Min: 0, Max: 1),
        new("decoder.repetition_penalty", ParameterKind.Decimal, null,
            "Divides positive logits (multiplies negative ones) of tokens already in the prompt or output by this; 1 disables. Applies to greedy decoding too. Unset: from the preset.", Min: 0.01, Max: 10),
        new("decoder.seed", ParameterKind.Integer, new Integer(0), "Seed of the sampler, so that sampled runs are reproducible.", Min: 0, Max: long.MaxValue),

        // traffic
        new("traffic.mode", ParameterKind.Choice, new Word("none"),
            "Request arrivals: none (every request arrives at t = 0: offline throughput), constant (evenly spaced at traffic.qps), poisson (random arrivals at mean rate traffic.qps; see traffic.burstiness), or concurrent (closed loop, request-shape backends: traffic.concurrency requests always in flight, the next sent when one completes).",
            AllowedValues: ["none", "constant", "poisson", "concurrent"]),
        new("traffic.qps", ParameterKind.Decimal, new Decimal(1.0), "Target arrival rate for constant and poisson traffic.", Unit: "requests/s", Min: 1e-6, Max: 1e6),
        new("traffic.burstiness", ParameterKind.Decimal, new Decimal(1.0),
            "Poisson traffic: shape of the gamma distribution of gaps between arrivals (mean gap 1/qps either way). 1 = Poisson; below 1 burstier; above 1 more regular.", Min: 0.01, Max: 100),
        new("traffic.max_wait", ParameterKind.Duration, new Duration(TimeSpan.Zero),
            "With traffic: the longest a queued request waits for its batch to fill (to batch_size) before the batch starts anyway; 0s starts a batch as soon as the model is free, with whatever has arrived.", Min: 0, Max: 60),
        new("traffic.seed", ParameterKind.Integer, new Integer(0), "Seed of the poisson arrival process.", Min: 0, Max: long.MaxValue),
        new("traffic.max_concurrency", ParameterKind.Integer, null,
            "Request-shape backends (servers): the most requests in flight at once; an arrival waits for a free slot (its queue time is recorded). Unset: no cap (open loop).", Unit: "requests", Min: 1, Max: 1_000_000),
        new("traffic.concurrency", ParameterKind.Integer, new Integer(1),
            "traffic.mode = concurrent: requests kept in flight (closed loop, as vLLM's bench --max-concurrency with unlimited rate, or GuideLLM's concurrent rate type).", Unit: "requests", Min: 1, Max: 1_000_000),
        new("goodput.ttft_ms", ParameterKind.Decimal, null, "Goodput target: a request counts towards goodput_requests_per_s only if its time to first token is at most this. Unset: no TTFT target (with no target at all, goodput is not reported).", Unit: "ms", Min: 0, Max: 1e9),
        new("goodput.tpot_ms", ParameterKind.Decimal, null, "Goodput target: a request counts towards goodput_requests_per_s only if its time per output token is at most this. Unset: no TPOT target.", Unit: "ms", Min: 0, Max: 1e9),

        // protocol
        new("warmup.mode", ParameterKind.Choice, new Word("fixed"),
            "Warm-up: a fixed number of batches (warmup.count), or until_stable: until the coefficient of variation of the last warmup.window batch latencies falls below warmup.cv_threshold (at most warmup.count batches).",
            AllowedValues: ["fixed", "until_stable"]),
        new("warmup.count", ParameterKind.Integer, new Integer(2), "Warm-up batches (fixed), or the most warm-up batches (until_stable). Warm-up is never measured.", Unit: "batches", Min: 0, Max: 10_000),
        new("warmup.window", ParameterKind.Integer, new Integer(5), "until_stable: number of most recent warm-up batches whose latency CV is tested.", Unit: "batches", Min: 2, Max: 1000),
        new("warmup.cv_threshold", ParameterKind.Decimal, new Decimal(0.05), "until_stable: warm-up ends when the CV (standard deviation / mean) of the window's batch latencies is below this (0.05 = 5%).", Min: 0.0001, Max: 1),
        new("baseline.duration", ParameterKind.Duration, new Duration(TimeSpan.Zero),
            "Idle period measured before the experiment to learn idle power; energy is then also reported with idle power x window duration subtracted. 0s disables the baseline.", Min: 0, Max: 3600),
        new("baseline.ttl", ParameterKind.Duration, new Duration(TimeSpan.FromHours(1)),
            "How long a measured idle baseline stays valid (cached per device); older ones are measured again. 0s measures before every experiment.", Min: 0, Max: 7 * 24 * 3600),
        new("cycles", ParameterKind.Integer, new Integer(1), "Times the experiment is repeated (statistics across cycles: mean, std, CV, 95% CI).", Min: 1, Max: 1000),

        // measurement
        new("measurement.sample_interval", ParameterKind.Duration, new Duration(TimeSpan.FromMilliseconds(100)),
            "Interval between power/utilisation samples during a window (integrated as a cross-check of the energy counter).", Min: 0.001, Max: 10),
        new("measurement.time_series", ParameterKind.Boolean, new Boolean(true), "Store the sampled time series (power, clocks, utilisation, temperature) with the result."),
        new("measurement.gpus", ParameterKind.TextList, null,
            "GPUs whose energy is metered, e.g. [\"cuda:0\", \"cuda:1\"]; [] meters none. Unset: the devices the backend runs the model on (for a server lem launches, cuda:0; for a server at server.url, none). What is metered is separate from where the model runs: a server's GPUs can be metered while lem runs elsewhere on the same machine."),

        // carbon
        new("carbon.intensity_g_per_kwh", ParameterKind.Decimal, null,
            "Grid carbon intensity. Unset: looked up from carbon.region in the built-in table; neither set: no CO2 figure.", Unit: "gCO2e/kWh", Min: 0, Max: 5000),
        new("carbon.region", ParameterKind.Text, null, "Region of the grid: the ISO 3166 alpha-2 code of a country in the built-in carbon intensity table (\"FR\"); the table holds countries only. A subdivision (\"US-CA\") is looked up only through the live API, when LEM_ELECTRICITYMAPS_TOKEN is set; otherwise its CO2 is unavailable, never its country's average."),
        new("carbon.pue", ParameterKind.Decimal, new Decimal(1.0), "Power usage effectiveness of the data centre: CO2 = energy x PUE x intensity. 1.0 counts the IT energy only.", Min: 1, Max: 5),

        // energy estimates, used only where nothing is measured (labelled `estimated`)
        new("cpu.tdp_w", ParameterKind.Decimal, null,
            "CPU thermal design power for the CPU energy estimate (utilisation x TDP) when RAPL is unavailable. Unset: looked up from the CPU model name; a model not in the table: 3.5 W per logical CPU (the record says so; set this for a better figure).", Unit: "W", Min: 1, Max: 2000),
        new("ram.w_per_gb", ParameterKind.Decimal, new Decimal(0.375),
            "RAM power per GiB of installed memory (MemTotal) for the RAM energy estimate when RAPL has no dram domain (0.375 W/GiB = 3 W per 8 GiB, the figure CodeCarbon long used).", Unit: "W/GiB", Min: 0, Max: 10),

        // parallelism
        new("parallel.mode", ParameterKind.Choice, new Word("none"),
            "Multi-GPU execution: none (one device), data (one model copy per device, the prompts split between them), pipeline (the layers split across devices), tensor (every layer split across devices: attention heads and MLP columns, summed after each layer half).",
            AllowedValues: ["none", "data", "pipeline", "tensor"]),
        new("parallel.devices", ParameterKind.TextList, null, "Devices for parallel.mode data, pipeline or tensor, e.g. [\"cuda:0\", \"cuda:1\"] (at least two, each once; a pipeline or a tensor split may repeat \"cpu\", its parts then sharing the host: a check of the split without GPUs)."),

        // results
        new("results.dir", ParameterKind.Text, new Text("results"), "Folder that receives result records (relative to the working directory)."),
    ];
}
