using Lem.Engine.Config;
using Lem.Engine.Inference;
using static Lem.Backends.Server.Engines.EngineFlag;

namespace Lem.Backends.Server.Engines;

/// <summary>
/// Ollama takes its settings from environment variables of <c>ollama serve</c>, and its OpenAI-compatible endpoints take
/// no per-request options. So lem loads the model before the window through Ollama's own <c>POST /api/generate</c>
/// (an empty prompt loads it) with <c>options</c> (num_gpu, num_ctx) and <c>keep_alive</c>; the OpenAI requests then
/// reuse that runner: Ollama reloads a model only when a request's runner options differ, and ignores num_gpu when the
/// request leaves it at -1, as an OpenAI request does. num_ctx stays the server-wide <c>OLLAMA_CONTEXT_LENGTH</c> too, so
/// the OpenAI requests' context equals the loaded one.
/// </summary>
public static class Ollama
{
    public const string LoadPath = "/api/generate";

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
        PreloadPath = LoadPath,
        VersionProbes = [new("/api/version", "version")],
        Tokenizer = TokenizerDialect.None,
        Pinning = OutputPinning.None,
        ExtendedSampling = false,
        TokenIdPrompts = false,
        MetricsUnavailable = "Ollama has no Prometheus /metrics endpoint",
        ModelSources = [ModelSourceKind.ServerModelId],
        Notes = "The model must be pulled first (`ollama pull NAME`). lem loads it before the warm-up through Ollama's own `POST /api/generate` (an empty prompt) with `options.num_gpu`, `options.num_ctx` and `keep_alive`, so ollama.num_gpu works, with server.url too; the OpenAI requests reuse that runner. Prompts must be text (no token-id prompts, no tokenize endpoint), and output length cannot be pinned.",
        Flags =
        [
            Environment("ollama.num_ctx", ParameterKind.Integer, "OLLAMA_CONTEXT_LENGTH", "Context window of every loaded model (Ollama's num_ctx, server-wide).", "tokens", min: 1, preloadField: "options.num_ctx"),
            Preload("ollama.num_gpu", ParameterKind.Integer, "POST " + LoadPath, "options.num_gpu",
                "Layers Ollama offloads to the GPU when lem loads the model (Ollama's num_gpu; 0: CPU only). Unset: Ollama decides from free memory.", "layers", min: 0),
            Environment("ollama.keep_alive", ParameterKind.Text, "OLLAMA_KEEP_ALIVE", "How long a model stays loaded after its last request (\"5m\", \"-1\" for ever).", preloadField: "keep_alive"),
            Environment("ollama.num_parallel", ParameterKind.Integer, "OLLAMA_NUM_PARALLEL", "Requests each model serves at once.", "requests", min: 1),
            Environment("ollama.flash_attention", ParameterKind.Boolean, "OLLAMA_FLASH_ATTENTION", "Flash attention."),
            Environment("ollama.kv_cache_type", ParameterKind.Text, "OLLAMA_KV_CACHE_TYPE", "KV-cache type (f16, q8_0, q4_0)."),
            Environment("ollama.max_loaded_models", ParameterKind.Integer, "OLLAMA_MAX_LOADED_MODELS", "Models kept loaded at once.", min: 1),
        ],
    };
}
