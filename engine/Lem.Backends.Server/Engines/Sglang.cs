using Lem.Engine.Config;
using Lem.Engine.Inference;
using static Lem.Backends.Server.Engines.EngineFlag;

namespace Lem.Backends.Server.Engines;

public static class Sglang
{
    public static readonly ServerEngine Engine = new()
    {
        Name = "sglang",
        DisplayName = "SGLang",
        Summary = "SGLang's OpenAI-compatible server (python3 -m sglang.launch_server), launched by lem or reached at server.url",
        OriginalNames = ["sglang"],
        DefaultCommand = ["python3", "-m", "sglang.launch_server"],
        Model = new ModelArgument("--model-path"),
        ServedNameFlag = "--served-model-name",
        DtypeFlag = "--dtype",
        LogsTorchDtype = true,
        NeedsGpu = true,
        MetricsLaunchFlags = ["--enable-metrics"],
        HealthPath = "/health",
        VersionProbes = [new("/version", "version"), new("/get_server_info", "version")],
        Tokenizer = TokenizerDialect.Vllm,
        Pinning = OutputPinning.MinTokens | OutputPinning.IgnoreEos,
        TokenIdPrompts = true,
        ContinuousUsage = true,
        Metrics = StandardMetrics.Sglang,
        GpuCountParameters = ["sglang.tp_size", "sglang.pp_size"],
        ModelSources = [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic, ModelSourceKind.ServerModelId],
        PromptCacheOff = "sglang.disable_radix_cache = true",
        Notes = "RadixAttention prefix cache and continuous batching. lem adds --enable-metrics when it starts the server; /tokenize and /detokenize where the version has them.",
        Flags =
        [
            Value("sglang.mem_fraction_static", ParameterKind.Decimal, "--mem-fraction-static", "Fraction of GPU memory for weights and the KV-cache pool.", min: 0.01, max: 1.0),
            Value("sglang.max_running_requests", ParameterKind.Integer, "--max-running-requests", "Most requests running at once.", "requests", min: 1),
            Value("sglang.max_total_tokens", ParameterKind.Integer, "--max-total-tokens", "Size of the KV-cache pool in tokens.", "tokens", min: 1),
            Value("sglang.chunked_prefill_size", ParameterKind.Integer, "--chunked-prefill-size", "Largest prefill chunk (-1 turns chunking off).", "tokens", min: -1),
            Value("sglang.context_length", ParameterKind.Integer, "--context-length", "Longest sequence the server accepts. Default: the model's.", "tokens", min: 1),
            Value("sglang.tp_size", ParameterKind.Integer, "--tp-size", "Tensor-parallel GPUs.", "GPUs", min: 1),
            Value("sglang.pp_size", ParameterKind.Integer, "--pp-size", "Pipeline-parallel stages.", "stages", min: 1),
            Switch("sglang.disable_radix_cache", "--disable-radix-cache", "Turn the radix (prefix) cache off."),
            Switch("sglang.disable_cuda_graph", "--disable-cuda-graph", "Run without CUDA graphs."),
            Value("sglang.kv_cache_dtype", ParameterKind.Text, "--kv-cache-dtype", "KV-cache element type (auto, fp8_e5m2, fp8_e4m3), as SGLang names it."),
            Value("sglang.quantization", ParameterKind.Text, "--quantization", "SGLang's quantization method (awq, gptq, fp8...), as SGLang names it."),
            Value("sglang.attention_backend", ParameterKind.Text, "--attention-backend", "Attention kernels (flashinfer, triton, fa3...), as SGLang names them."),
            Value("sglang.schedule_policy", ParameterKind.Text, "--schedule-policy", "Request scheduling policy (fcfs, lpm...), as SGLang names it."),
        ],
    };
}
