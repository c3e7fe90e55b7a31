using Lem.Engine.Config;
using Lem.Engine.Inference;
using static Lem.Backends.Server.Engines.EngineFlag;

namespace Lem.Backends.Server.Engines;

/// <summary>
/// Ollama takes its settings from environment variables of <c>ollama serve</c>; its OpenAI-compatible endpoints take
/// no per-request options, so num_ctx is the server-wide <c>OLLAMA_CONTEXT_LENGTH</c> and num_gpu cannot be set there.
/// </summary>
public static class Ollama
{
    public static readonly ServerEngine Engine = new()
    {
        Name = "ollama",
        DisplayName = "Ollama",
        Summary = "Ollama (ollama serve) with a model it has pulled, launched by lem or reached at server.url",
        OriginalNames = ["ollama"],
        DefaultCommand = ["ollama", "serve"],
        Model = ModelArgument.PerRequest,
        Listen = ListenAddress.Environment("OLLAMA_HOST"),
        HealthPath = "/api/version",
        VersionProbes = [new("/api/version", "version")],
        Tokenizer = TokenizerDialect.None,
        Pinning = OutputPinning.None,
        ExtendedSampling = false,
        TokenIdPrompts = false,
        MetricsUnavailable = "Ollama has no Prometheus /metrics endpoint",
        ModelSources = [ModelSourceKind.ServerModelId],
        Notes = "The model must be pulled first (`ollama pull NAME`); it loads on the first request (lem's warm-up). Prompts must be text (no token-id prompts, no tokenize endpoint), output length cannot be pinned, and num_gpu cannot be set through the OpenAI API (use a Modelfile with PARAMETER num_gpu and name that model).",
        Flags =
        [
            Environment("ollama.num_ctx", ParameterKind.Integer, "OLLAMA_CONTEXT_LENGTH", "Context window of every loaded model (Ollama's num_ctx, server-wide).", "tokens", min: 1),
            Environment("ollama.keep_alive", ParameterKind.Text, "OLLAMA_KEEP_ALIVE", "How long a model stays loaded after its last request (\"5m\", \"-1\" for ever)."),
            Environment("ollama.num_parallel", ParameterKind.Integer, "OLLAMA_NUM_PARALLEL", "Requests each model serves at once.", "requests", min: 1),
            Environment("ollama.flash_attention", ParameterKind.Boolean, "OLLAMA_FLASH_ATTENTION", "Flash attention."),
            Environment("ollama.kv_cache_type", ParameterKind.Text, "OLLAMA_KV_CACHE_TYPE", "KV-cache type (f16, q8_0, q4_0)."),
            Environment("ollama.max_loaded_models", ParameterKind.Integer, "OLLAMA_MAX_LOADED_MODELS", "Models kept loaded at once.", min: 1),
        ],
    };
}
