namespace Lem.Engine.Config;

using static ConfigValue;

/// <summary>The definitions behind <see cref="ParameterRegistry"/>, one entry per parameter, grouped by section.</summary>
internal static class ParameterCatalogue
{
    private static readonly string[] Precisions = ["fp32", "fp16", "bf16"];

    public static readonly ParameterDefinition[] Definitions =
    [
        // model and placement
        new("model", ParameterKind.Model, new Call("synthetic", [new Text("tiny")], []),
            "Model to run: a path to a Hugging Face layout folder (config.json + safetensors + tokenizer), or synthetic(\"PRESET\") for seeded random weights of a real architecture generated into the cache on first use."),
        new("backend", ParameterKind.Choice, new Word("torchsharp"), "Inference backend.", AllowedValues: ["torchsharp"]),
        new("device", ParameterKind.Text, new Text("cpu"), "Device: \"cpu\" or \"cuda:N\"."),
        new("precision", ParameterKind.Choice, new Word("fp32"), "Weight and activation precision.", AllowedValues: Precisions),

        // output length
        new("max_new_tokens", ParameterKind.Integer, new Integer(32), "Most tokens generated per prompt.", Unit: "tokens", Min: 1, Max: 1_000_000),
        new("min_new_tokens", ParameterKind.Integer, new Integer(0), "Fewest tokens generated per prompt (EOS is ignored until then). Set equal to max_new_tokens to pin the output length for controlled comparisons.", Unit: "tokens", Min: 0, Max: 1_000_000),

        // workload
        new("prompts", ParameterKind.Prompts, new Call("synthetic", [], [new("count", new Integer(8)), new("input_tokens", new Integer(32))]),
            "Prompt source: synthetic(count = N, input_tokens = N) for prompts of an exact token count."),
        new("batching.strategy", ParameterKind.Choice, new Word("static"), "How prompts are grouped into batches.", AllowedValues: ["static", "dynamic", "sorted_static", "sorted_dynamic"]),
        new("batching.batch_size", ParameterKind.Integer, new Integer(1), "Prompts per batch (static strategies), or the most prompts per batch (dynamic).", Unit: "prompts", Min: 1, Max: 65536),
        new("batching.max_tokens_per_batch", ParameterKind.Integer, new Integer(8192), "Dynamic strategies: a batch's padded prompt tokens never exceed this.", Unit: "tokens", Min: 1, Max: 100_000_000),

        // decoding
        new("decoder.preset", ParameterKind.Choice, new Word("deterministic"), "Decoder preset; explicit decoder.* parameters override it.", AllowedValues: ["deterministic", "standard", "creative", "factual"]),
        new("decoder.temperature", ParameterKind.Decimal, null, "Sampling temperature; 0 means greedy. Unset: from the preset.", Min: 0, Max: 100),
        new("decoder.top_p", ParameterKind.Decimal, null, "Nucleus sampling: keep the smallest set of tokens whose probability reaches top_p. Unset: from the preset.", Min: 0, Max: 1),
        new("decoder.top_k", ParameterKind.Integer, null, "Keep the k most probable tokens; 0 disables. Unset: from the preset.", Min: 0, Max: 1_000_000),
        new("decoder.seed", ParameterKind.Integer, new Integer(0), "Seed of the sampler, so that sampled runs are reproducible.", Min: 0, Max: long.MaxValue),

        // traffic
        new("traffic.mode", ParameterKind.Choice, new Word("none"), "Request arrivals: none (all at t = 0), constant or poisson.", AllowedValues: ["none", "constant", "poisson"]),
        new("traffic.qps", ParameterKind.Decimal, new Decimal(1.0), "Target arrival rate for constant and poisson traffic.", Unit: "requests/s", Min: 1e-6, Max: 1e6),
        new("traffic.seed", ParameterKind.Integer, new Integer(0), "Seed of the arrival process.", Min: 0, Max: long.MaxValue),

        // protocol
        new("warmup.mode", ParameterKind.Choice, new Word("fixed"), "Warm-up: a fixed number of batches, or until the CV of recent step latencies is stable.", AllowedValues: ["fixed", "until_stable"]),
        new("warmup.count", ParameterKind.Integer, new Integer(2), "Warm-up batches (fixed), or the most warm-up batches (until_stable). Warm-up is never measured.", Unit: "batches", Min: 0, Max: 10_000),
        new("baseline.duration", ParameterKind.Duration, new Duration(TimeSpan.Zero), "Idle period measured before the experiment to subtract idle power; 0s disables the baseline.", Unit: "s"),
        new("cycles", ParameterKind.Integer, new Integer(1), "Times the experiment is repeated (statistics across cycles).", Min: 1, Max: 1000),

        // results
        new("results.dir", ParameterKind.Text, new Text("results"), "Folder that receives result records (relative to the working directory)."),
    ];
}
