using Lem.Engine.Config;
using Lem.Engine.Inference;
using static Lem.Backends.Server.Engines.EngineFlag;

namespace Lem.Backends.Server.Engines;

public static class Vllm
{
    private static readonly IReadOnlyList<EngineFlag> EngineFlags =
    [
        Value("vllm.gpu_memory_utilization", ParameterKind.Decimal, "--gpu-memory-utilization", "Fraction of GPU memory vLLM may use for weights, activations and KV cache (vLLM's default 0.9).", min: 0.01, max: 1.0),
        Value("vllm.max_model_len", ParameterKind.Integer, "--max-model-len", "Longest sequence (prompt + output) vLLM accepts; sizes the KV cache. Default: the model's.", "tokens", min: 1),
        Negatable("vllm.enable_prefix_caching", "--enable-prefix-caching", "--no-enable-prefix-caching", "Automatic prefix caching (on by default in vLLM V1): shared prompt prefixes reuse cached KV blocks."),
        Negatable("vllm.enable_chunked_prefill", "--enable-chunked-prefill", "--no-enable-chunked-prefill", "Chunked prefill: long prompts are split and batched with decode steps."),
        Switch("vllm.enforce_eager", "--enforce-eager", "Run eagerly, without CUDA graphs (slower decode, less memory)."),
        Value("vllm.kv_cache_dtype", ParameterKind.Choice, "--kv-cache-dtype", "KV-cache element type: auto (the model's dtype) or an fp8 format.", allowed: ["auto", "fp8", "fp8_e4m3", "fp8_e5m2"]),
        Value("vllm.max_num_seqs", ParameterKind.Integer, "--max-num-seqs", "Most sequences in one engine step (vLLM's batch limit).", "sequences", min: 1),
        Value("vllm.max_num_batched_tokens", ParameterKind.Integer, "--max-num-batched-tokens", "Most tokens in one engine step (prefill chunk budget).", "tokens", min: 1),
        Value("vllm.block_size", ParameterKind.Integer, "--block-size", "Tokens per KV-cache block.", "tokens", min: 1),
        Value("vllm.tensor_parallel_size", ParameterKind.Integer, "--tensor-parallel-size", "GPUs the model's layers are split across (tensor parallel).", "GPUs", min: 1),
        Value("vllm.pipeline_parallel_size", ParameterKind.Integer, "--pipeline-parallel-size", "Pipeline stages, each on its own GPUs.", "stages", min: 1),
        Value("vllm.quantization", ParameterKind.Text, "--quantization", "vLLM's quantization method (awq, gptq, fp8, bitsandbytes...), as vLLM names it."),
        new(new ParameterDefinition("vllm.speculative_model", ParameterKind.Text, null, "Draft model for speculative decoding (a folder or model id); written into --speculative-config with vllm.num_speculative_tokens."),
            "`--speculative-config '{\"model\": M, \"num_speculative_tokens\": N}'`", FlagStyle.Derived, Derive: SpeculativeConfig),
        new(new ParameterDefinition("vllm.num_speculative_tokens", ParameterKind.Integer, null, "Tokens the draft model proposes per step (with vllm.speculative_model).", "tokens", Min: 1),
            "part of `--speculative-config`", FlagStyle.Derived, Derive: _ => []),
        Value("vllm.seed", ParameterKind.Integer, "--seed", "vLLM's engine seed (sampling without a per-request seed)."),
    ];

    public static readonly ServerEngine Engine = new()
    {
        Name = "vllm",
        DisplayName = "vLLM",
        Summary = "vLLM's OpenAI-compatible server (vllm serve), launched by lem or reached at server.url",
        OriginalNames = ["vllm"],
        OriginalKeys = OriginalServerKeys.Vllm(EngineFlags),
        DefaultCommand = ["vllm", "serve"],
        Model = ModelArgument.Positional,
        ServedNameFlag = "--served-model-name",
        DtypeFlag = "--dtype",
        LogsTorchDtype = true,
        NeedsGpu = true,
        HealthPath = "/health",
        VersionProbes = [new("/version", "version")],
        VersionFlag = true,
        ApiKeyEnvironment = "VLLM_API_KEY",
        Tokenizer = TokenizerDialect.Vllm,
        Pinning = OutputPinning.MinTokens | OutputPinning.IgnoreEos,
        TokenIdPrompts = true,
        ContinuousUsage = true,
        Metrics = StandardMetrics.Vllm,
        GpuCountParameters = ["vllm.tensor_parallel_size", "vllm.pipeline_parallel_size"],
        ModelSources = [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic, ModelSourceKind.ServerModelId],
        Notes = "Continuous batching with paged attention. /metrics is always on; /tokenize and /detokenize give exact token ids; min_tokens and ignore_eos pin the output length; continuous_usage_stats gives the tokens in each chunk.",
        PromptCacheOff = "vllm.enable_prefix_caching = false",
        Flags = EngineFlags,
    };

    private static IReadOnlyList<string> SpeculativeConfig(IReadOnlyDictionary<string, object> values)
    {
        if (!values.TryGetValue("vllm.speculative_model", out var model)) return [];
        var config = new Dictionary<string, object> { ["model"] = (string)model };
        if (values.TryGetValue("vllm.num_speculative_tokens", out var n)) config["num_speculative_tokens"] = n;
        return ["--speculative-config", System.Text.Json.JsonSerializer.Serialize(config)];
    }
}
