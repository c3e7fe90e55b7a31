using Lem.Backends.Server.Engines;
using Lem.Engine.Config;

namespace Lem.Backends.Server.Modules;

/// <summary>
/// The <c>server.*</c> section every server module contributes: defined once here, with explicit backends (all of
/// this project's engines), so the registry composes them into one entry.
/// </summary>
public static class ServerParameters
{
    public const string Url = "server.url";
    public const string Command = "server.command";
    public const string Api = "server.api";
    public const string ApiKeyEnv = "server.api_key_env";
    public const string ReadyTimeout = "server.ready_timeout";
    public const string RequestTimeout = "server.request_timeout";
    public const string StopGrace = "server.stop_grace";
    public const string ExtraArgs = "server.extra_args";
    public const string Metrics = "server.metrics";
    public const string MetricsInterval = "server.metrics_interval";

    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultMetricsInterval = TimeSpan.FromSeconds(1);

    private static readonly string[] Backends = ServerEngines.All.Select(e => e.Name).ToArray();

    public static readonly IReadOnlyList<ParameterDefinition> Definitions =
    [
        new(Url, ParameterKind.Text, null,
            "Base URL of a server that is already running (http://host:port); lem then starts nothing and passes no engine flags. Unset: lem starts the server on 127.0.0.1 and a free port.",
            Backends: Backends),
        new(Command, ParameterKind.TextList, null,
            "The argument list that starts the server (never a shell string), for example [\"/opt/venv/bin/vllm\", \"serve\"]. Unset: the engine's usual command (vllm serve, trtllm-serve, python3 -m sglang.launch_server, llama-server, ollama serve).",
            Backends: Backends),
        new(Api, ParameterKind.Choice, new ConfigValue.Word("completions"),
            "Which endpoint requests go to: completions (/v1/completions; token-id prompts keep their exact lengths) or chat (/v1/chat/completions; prompts as text in the server's chat template).",
            AllowedValues: ["completions", "chat"], Backends: Backends),
        new(ApiKeyEnv, ParameterKind.Text, null,
            "Name of the environment variable that holds the API key sent as a bearer token (the key itself is never written to records or logs).",
            Backends: Backends),
        new(ReadyTimeout, ParameterKind.Duration, new ConfigValue.Duration(DefaultReadyTimeout),
            "How long lem waits for a server it started (or reached) to answer its health check and list the model.",
            "s", Min: 1, Backends: Backends),
        new(RequestTimeout, ParameterKind.Duration, new ConfigValue.Duration(DefaultRequestTimeout),
            "How long one request may take from send to its last event; a request past it is recorded as failed (timeout).",
            "s", Min: 0.001, Backends: Backends),
        new(StopGrace, ParameterKind.Duration, new ConfigValue.Duration(DefaultStopGrace),
            "How long a server lem started gets to exit after SIGTERM before its process group is killed (SIGKILL).",
            "s", Min: 0, Backends: Backends),
        new(ExtraArgs, ParameterKind.TextList, new ConfigValue.List([]),
            "Engine flags the registry does not know, appended verbatim to the command line (and recorded with it), for example [\"--swap-space\", \"8\"].",
            Backends: Backends),
        new(Metrics, ParameterKind.Boolean, new ConfigValue.Boolean(true),
            "Scrape the server's Prometheus /metrics during the measurement window (running/waiting requests, KV-cache usage, prefix-cache hits, preemptions), where the engine has them.",
            Backends: Backends),
        new(MetricsInterval, ParameterKind.Duration, new ConfigValue.Duration(DefaultMetricsInterval),
            "Time between two scrapes of /metrics.", "s", Min: 0.05, Backends: Backends),
    ];

    /// <summary>Parameters that only mean something when lem starts the server.</summary>
    public static readonly IReadOnlyList<string> LaunchOnly = [Command, ExtraArgs, StopGrace];
}
