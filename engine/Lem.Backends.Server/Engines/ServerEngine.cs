using Lem.Engine.Inference;

namespace Lem.Backends.Server.Engines;

/// <summary>
/// Everything lem knows about one inference server, as data: how to start it, how it names its flags, what it
/// reports. One <see cref="Modules.ServerBackendModule"/> serves each; the documentation is generated from these too.
/// </summary>
public sealed record ServerEngine
{
    /// <summary>The value of <c>backend</c> and the prefix of the engine's own parameters.</summary>
    public required string Name { get; init; }

    /// <summary>How people write the engine's name (<c>vLLM</c>).</summary>
    public required string DisplayName { get; init; }

    public required string Summary { get; init; }

    public IReadOnlyList<string> OriginalNames { get; init; } = [];

    /// <summary>How the keys of the original LLenergyMeasure's section for this engine read here (<see cref="IBackendModule.OriginalKeys"/>).</summary>
    public IReadOnlyList<OriginalKey> OriginalKeys { get; init; } = [];

    /// <summary>The argument list that starts it (<c>["vllm", "serve"]</c>); null where lem never starts it (<c>openai</c>: reach it with server.url).</summary>
    public IReadOnlyList<string>? DefaultCommand { get; init; }

    public ModelArgument Model { get; init; } = ModelArgument.Positional;

    /// <summary>The flag that sets the name the server lists under <c>/v1/models</c> and expects in requests; null where it has none.</summary>
    public string? ServedNameFlag { get; init; }

    public ListenAddress Listen { get; init; } = ListenAddress.Flags("--host", "--port");

    /// <summary>The flag that takes lem's <c>precision</c> (bf16 → bfloat16...), passed only where precision is set; null where the model file decides it.</summary>
    public string? DtypeFlag { get; init; }

    /// <summary>Whether its start-up log names the dtype it loaded the weights in (<c>dtype=torch.bfloat16</c>), which lem records where it passed none.</summary>
    public bool LogsTorchDtype { get; init; }

    /// <summary>Whether it runs only on a GPU (vLLM, SGLang, TensorRT-LLM): lem refuses to start it with <c>device = cpu</c>.</summary>
    public bool NeedsGpu { get; init; }

    /// <summary>Flags that turn on its Prometheus <c>/metrics</c> when lem starts it (<c>--metrics</c>), empty where it is always on.</summary>
    public IReadOnlyList<string> MetricsLaunchFlags { get; init; } = [];

    /// <summary>
    /// A POST path that loads the model before the window, with the fields of its <see cref="FlagStyle.Preload"/> flags
    /// (Ollama's <c>/api/generate</c> with an empty prompt); null where the server loads its model at start.
    /// </summary>
    public string? PreloadPath { get; init; }

    /// <summary>A GET path that answers 200 once the server can serve; null: readiness is the model's presence under <c>/v1/models</c> alone.</summary>
    public string? HealthPath { get; init; }

    public IReadOnlyList<VersionProbe> VersionProbes { get; init; } = [];

    /// <summary>Whether <c>COMMAND --version</c> prints the version (asked where no probe answers).</summary>
    public bool VersionFlag { get; init; }

    /// <summary>The environment variable the server reads its API key from (<c>VLLM_API_KEY</c>), so a key never appears on its command line; null: lem gives it none.</summary>
    public string? ApiKeyEnvironment { get; init; }

    public TokenizerDialect Tokenizer { get; init; }

    public OutputPinning Pinning { get; init; }

    /// <summary>Whether <c>/v1/completions</c> takes a prompt as token ids (exact prompt lengths).</summary>
    public bool TokenIdPrompts { get; init; }

    /// <summary>Whether <c>stream_options.continuous_usage_stats</c> puts usage in every chunk (exact tokens per chunk).</summary>
    public bool ContinuousUsage { get; init; }

    /// <summary>The JSON property of the last event that holds the server's own per-request timings (llama-server's <c>timings</c>).</summary>
    public string? TimingsProperty { get; init; }

    /// <summary>Whether it reads sampling fields beyond the OpenAI standard (top_k, min_p, a repetition penalty).</summary>
    public bool ExtendedSampling { get; init; } = true;

    /// <summary>The request field of the repetition penalty (<c>repetition_penalty</c>; llama-server: <c>repeat_penalty</c>).</summary>
    public string RepetitionPenaltyField { get; init; } = "repetition_penalty";

    public IReadOnlyList<ServerMetric> Metrics { get; init; } = [];

    /// <summary>
    /// Whether the server closes a connection after a streamed response although it answers keep-alive (llama-server's
    /// cpp-httplib: seen with curl, 2026-12-07): lem then sends its streamed requests with <c>Connection: close</c>, so
    /// that no request goes out on a connection the server has dropped.
    /// </summary>
    public bool ClosesConnectionAfterStream { get; init; }

    /// <summary>
    /// The setting that stops the server from serving prompt tokens out of its cache (<c>vllm.enable_prefix_caching = false</c>),
    /// named in the warning lem gives when measured requests report cached prompt tokens; null where lem knows none.
    /// </summary>
    public string? PromptCacheOff { get; init; }

    /// <summary>Why its metrics are not scraped, where <see cref="Metrics"/> is empty.</summary>
    public string? MetricsUnavailable { get; init; }

    public IReadOnlyList<EngineFlag> Flags { get; init; } = [];

    /// <summary>The parameters whose product is the number of GPUs the server uses (tensor × pipeline parallel), for <c>measurement.gpus</c>.</summary>
    public IReadOnlyList<string> GpuCountParameters { get; init; } = [];

    public required IReadOnlyList<ModelSourceKind> ModelSources { get; init; }

    /// <summary>For the documentation: what a user should know about measuring it.</summary>
    public required string Notes { get; init; }

    public bool Launchable => DefaultCommand is not null;

    /// <summary>The flags lem sets itself (listen address, model, served name, metrics), which <c>server.extra_args</c> must not repeat.</summary>
    public IEnumerable<string> ReservedFlags =>
        Listen.ReservedFlags.Concat(new[] { Model.Flag, ServedNameFlag, DtypeFlag }.OfType<string>());
}
