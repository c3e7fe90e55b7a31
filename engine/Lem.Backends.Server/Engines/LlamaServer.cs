using Lem.Engine.Config;
using Lem.Engine.Inference;
using static Lem.Backends.Server.Engines.EngineFlag;

namespace Lem.Backends.Server.Engines;

public static class LlamaServer
{
    public static readonly ServerEngine Engine = new()
    {
        Name = "llama_server",
        DisplayName = "llama.cpp llama-server",
        Summary = "llama.cpp's llama-server with a GGUF file, launched by lem or reached at server.url",
        OriginalNames = ["llama_server", "llama-server", "llamacpp_server"],
        DefaultCommand = ["llama-server"],
        Model = new ModelArgument("--model"),
        ServedNameFlag = "--alias",
        MetricsLaunchFlags = ["--metrics"],
        HealthPath = "/health",
        VersionProbes = [new("/props", "build_info")],
        VersionFlag = true,
        ApiKeyEnvironment = "LLAMA_API_KEY",
        Tokenizer = TokenizerDialect.LlamaServer,
        Pinning = OutputPinning.IgnoreEos,
        TokenIdPrompts = true,
        ContinuousUsage = false,
        TimingsProperty = "timings",
        RepetitionPenaltyField = "repeat_penalty",
        Metrics = StandardMetrics.LlamaServer,
        PromptCacheOff = "llama_server.cache_prompt = false (lem's default)",
        ClosesConnectionAfterStream = true,
        ModelSources = [ModelSourceKind.GgufFile, ModelSourceKind.ServerModelId],
        Notes = "Slots (--parallel) with continuous batching. The last event of every stream carries llama.cpp's own timings (prompt and generation ms), recorded per request beside lem's. Only ignore_eos pins the output length (no min_tokens). /metrics needs --metrics, which lem adds when it starts the server. Precision is the GGUF file's. With random weights (synthetic models) some requests fail with 'does not match the expected Content-only format' (code 500, after their tokens): the llama-server checked (a llama.cpp snapshot of December 2026) parses every streamed answer with a parser that refuses malformed UTF-8, which random byte-level tokens produce; lem counts them as failed and leaves them out of every figure.",
        Flags =
        [
            Value("llama_server.n_gpu_layers", ParameterKind.Integer, "--n-gpu-layers", "Layers offloaded to the GPU (0: CPU only; 999: all).", "layers", min: 0),
            Value("llama_server.ctx_size", ParameterKind.Integer, "--ctx-size", "KV-cache size in tokens, shared by all slots (0: the model's).", "tokens", min: 0),
            Value("llama_server.parallel", ParameterKind.Integer, "--parallel", "Slots: requests decoded at once (each gets ctx_size / parallel tokens).", "slots", min: 1),
            Value("llama_server.flash_attn", ParameterKind.Choice, "--flash-attn", "Flash attention: on, off or auto.", allowed: ["on", "off", "auto"]),
            Negatable("llama_server.cont_batching", "--cont-batching", "--no-cont-batching", "Continuous batching across slots (on by default)."),
            Value("llama_server.batch_size", ParameterKind.Integer, "--batch-size", "Logical batch: most tokens per llama_decode call.", "tokens", min: 1),
            Value("llama_server.ubatch_size", ParameterKind.Integer, "--ubatch-size", "Physical batch: most tokens per compute graph.", "tokens", min: 1),
            Value("llama_server.threads", ParameterKind.Integer, "--threads", "CPU threads for generation.", "threads", min: 1),
            Value("llama_server.cache_type_k", ParameterKind.Text, "--cache-type-k", "KV-cache type of keys (f16, q8_0, q4_0...)."),
            Value("llama_server.cache_type_v", ParameterKind.Text, "--cache-type-v", "KV-cache type of values (f16, q8_0...; quantized V needs flash attention)."),
            Negatable("llama_server.kv_unified", "--kv-unified", "--no-kv-unified", "One KV buffer shared by all slots (true) or one per slot (false). Unset: llama-server's default, which newer builds turn on when --parallel is auto."),
            Switch("llama_server.mlock", "--mlock", "Keep the model in RAM (no swapping)."),
            SwitchWhenFalse("llama_server.mmap", "--no-mmap", "Memory-map the model file (true by default); false reads it into memory."),
            Value("llama_server.cache_reuse", ParameterKind.Integer, "--cache-reuse", "Smallest chunk reused from the prompt cache by KV shifting (0: off).", "tokens", min: 0),
            RequestField("llama_server.cache_prompt", ParameterKind.Boolean, "cache_prompt",
                "Reuse the KV cache of the prompt prefix a slot already holds (llama-server's own default is true). lem sends false unless this is set: every request's prompt is then computed, so TTFT and prefill energy do not depend on the prompts the server saw before (the warm-up, an earlier run). Set true for workloads that share prefixes on purpose.",
                new ConfigValue.Boolean(false)),
        ],
    };
}
