using System.Globalization;
using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Launching;
using Lem.Backends.Server.Tokenization;
using Lem.Engine;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Gguf;
using Lem.Models.Preflight;
using Lem.Models.Tokenization;

namespace Lem.Backends.Server.Modules;

/// <summary>
/// One server engine as a backend module. <see cref="Load"/> starts the server (unless <c>server.url</c> is set), waits
/// until it lists the model, asks its version and returns a <see cref="ServerRequestModel"/>. Everything it does is
/// decided by the load request (plus a free port), so the engine's model pool can reuse a server for every run with
/// the same request.
/// </summary>
public sealed class ServerBackendModule : IBackendModule
{
    private readonly Func<string> _logFolder;
    private readonly Func<string, string?> _environment;
    private readonly Func<string, long, string> _syntheticFolder;
    private readonly Func<string, long, string> _syntheticGguf;

    /// <param name="logFolder">Where server logs go (one file per start); default: the cache's <c>server-logs</c> folder.</param>
    /// <param name="syntheticGguf">Writes a synthetic model as a GGUF file (for llama-server); default: into lem's GGUF cache.</param>
    public ServerBackendModule(ServerEngine engine, Func<string>? logFolder = null, Func<string, string?>? environment = null,
        Func<string, long, string>? syntheticFolder = null, Func<string, long, string>? syntheticGguf = null)
    {
        Engine = engine;
        _logFolder = logFolder ?? (() => Path.Combine(LemPaths.CacheRoot(), "server-logs"));
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _syntheticFolder = syntheticFolder ?? ServerModelResolver.SyntheticFolder;
        _syntheticGguf = syntheticGguf ?? ServerModelResolver.SyntheticGguf;
        var sources = engine.ModelSources.ToList();
        if (sources.Contains(ModelSourceKind.GgufFile) && !sources.Contains(ModelSourceKind.Synthetic)) sources.Add(ModelSourceKind.Synthetic);
        Capabilities = new BackendCapabilities(
            ExecutionShape.Request,
            Precisions: ["fp32", "fp16", "bf16"],
            Quantizations: ["none"],
            ParallelModes: ["none"],
            ModelSources: sources,
            TracesFlops: false,
            ReportsDeviceMemory: false,
            HasTokenizer: engine.Tokenizer != TokenizerDialect.None)
        {
            TakesTokenIdPrompts = engine.TokenIdPrompts,
        };
        Parameters = [.. engine.Flags.Select(f => f.Parameter), .. ServerParameters.Definitions];
    }

    public ServerEngine Engine { get; }

    public string Name => Engine.Name;

    public string Summary => Engine.Summary;

    public IReadOnlyList<string> OriginalNames => Engine.OriginalNames;

    public IReadOnlyList<OriginalKey> OriginalKeys => Engine.OriginalKeys;

    public IReadOnlyList<ParameterDefinition> Parameters { get; }

    public BackendCapabilities Capabilities { get; }

    public IDeviceLoad? DeviceLoad => null;

    public void CheckRules(EffectiveValues values, Findings findings) => ServerRules.Check(Engine, values, findings);

    public string ResolveModel(ModelSpec model, string baseFolder) =>
        ServerModelResolver.Resolve(Engine, model, baseFolder, _syntheticFolder, _syntheticGguf);

    /// <summary>
    /// Before any server starts: a synthetic preset that exists (and that lem can write as GGUF where the engine takes GGUF),
    /// a model path that exists in a form the engine loads (a GGUF file's header read), and, where lem starts the server,
    /// its program: the first word of
    /// server.command (or the engine's usual command) must be an executable file or on PATH.
    /// </summary>
    public void Preflight(ExperimentConfig config, string baseFolder, Findings findings)
    {
        if (config.Model.IsSynthetic)
        {
            if (ModelPreflight.Preset(config, findings) is { } preset && !Engine.ModelSources.Contains(ModelSourceKind.Synthetic)
                && Engine.ModelSources.Contains(ModelSourceKind.GgufFile) && !GgufSourceConfig.SupportedModelTypes.Contains(preset.Arch))
                ModelPreflight.Error(findings, DiagnosticCodes.UnknownPreset,
                    $"model: backend = {Engine.Name} serves synthetic models as GGUF files, and lem writes GGUF for the {string.Join(", ", GgufSourceConfig.SupportedModelTypes)} families, not {preset.Spec}. Remedy: choose a preset of one of them.");
        }
        else
        {
            try
            {
                var location = ServerModelResolver.Location(Engine, config.Model.Location!, baseFolder);
                if (File.Exists(location)) ModelPreflight.Readable(findings, () => GgufFile.Open(location)); // the one file a server takes: GGUF
            }
            catch (InferenceException e)
            {
                var path = ServerModelResolver.PathOf(config.Model.Location!, baseFolder);
                ModelPreflight.Error(findings, File.Exists(path) || Directory.Exists(path) ? DiagnosticCodes.InputInvalid : DiagnosticCodes.InputMissing, e.Message);
            }
        }
        if (config.BackendOptions.ContainsKey(ServerParameters.Url) || Engine.DefaultCommand is null) return;
        var given = config.BackendOptions.TryGetValue(ServerParameters.Command, out var command) && command is string[] { Length: > 0 } words ? words : null;
        var program = (given ?? Engine.DefaultCommand)[0];
        if (program.Length == 0 || ExecutableSearch.Find(program, _environment("PATH")) is not null) return;
        var where = program.Contains('/') ? $"{program} is not an executable file" : $"{program} is not on PATH";
        findings.At(given is null ? "backend" : ServerParameters.Command, null).Error(DiagnosticCodes.BackendUnavailable,
            $"backend = {Engine.Name} starts the server with {string.Join(" ", given ?? Engine.DefaultCommand)}, but {where}. " +
            $"Remedy: install {Engine.DisplayName} here, set {ServerParameters.Command} to the program's full path and arguments, or set {ServerParameters.Url} to a server that is running.");
    }

    /// <summary>cuda:N and the next GPUs the tensor/pipeline-parallel sizes ask for, where lem starts the server; none for a server at a URL (name them in measurement.gpus).</summary>
    public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config)
    {
        if (config.Resolved.TryGetValue(ServerParameters.Url, out var url) && url.Value is ConfigValue.Text) return [];
        if (!config.Device.IsCuda) return [];
        var count = Engine.GpuCountParameters.Aggregate(1L, (product, name) =>
            product * (config.Resolved.TryGetValue(name, out var v) && v.Value is ConfigValue.Integer n ? n.Value : 1L));
        return Enumerable.Range(config.Device.Index, (int)count).Select(i => new DeviceSpec(DeviceKind.Cuda, i)).ToArray();
    }

    ILoadedModel IBackendModule.Load(ModelLoadRequest request) => Load(request);

    public ServerRequestModel Load(ModelLoadRequest request) => Load(request, null);

    /// <param name="handler">The HTTP handler (tests: an in-memory server); null: sockets.</param>
    public ServerRequestModel Load(ModelLoadRequest request, HttpMessageHandler? handler)
    {
        var url = request.Option<string?>(ServerParameters.Url, null);
        var api = request.Option(ServerParameters.Api, "completions") switch
        {
            "completions" => ServerApi.Completions,
            "chat" => ServerApi.Chat,
            var other => throw new InferenceException($"{ServerParameters.Api} = {other}: write completions or chat."),
        };
        var readyTimeout = request.Option(ServerParameters.ReadyTimeout, ServerParameters.DefaultReadyTimeout);
        var requestTimeout = request.Option(ServerParameters.RequestTimeout, ServerParameters.DefaultRequestTimeout);
        var stopGrace = request.Option(ServerParameters.StopGrace, ServerParameters.DefaultStopGrace);
        var apiKey = ApiKey.Read(request, _environment);

        LaunchPlan? plan = null;
        ServerProcess? process = null;
        ServerConnection? connection = null;
        try
        {
            Uri baseUrl;
            string served;
            string what;
            if (url is null)
            {
                plan = LaunchPlanner.Plan(Engine, request, FreePort.Pick(), _environment);
                var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
                process = ServerProcess.Start(plan, Path.Combine(_logFolder(), $"{Engine.Name}-{stamp}-{plan.Port}.log"), stopGrace);
                baseUrl = new Uri(plan.BaseUrl + "/");
                served = plan.ServedModel;
                what = $"the {Engine.DisplayName} server lem started ({plan.CommandLine})";
            }
            else
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed))
                    throw new InferenceException($"{ServerParameters.Url} = \"{url}\" is not a URL: write it as http://host:port.");
                baseUrl = new Uri(parsed.ToString().TrimEnd('/') + "/");
                served = request.Model;
                what = $"the server at {url}";
            }
            connection = new ServerConnection(baseUrl, apiKey, handler);
            var models = Readiness.WaitUntilReady(Engine, connection, served, readyTimeout, process, what);
            // where load options go with a request of their own (Ollama's num_gpu), the model is loaded with them now, before any window
            var preload = Engine.PreloadPath is null ? null : ModelPreload.Run(Engine, connection, served, request, readyTimeout);
            var command = plan is null ? null : (IReadOnlyList<string>)[plan.Arguments[0]];
            var (version, versionSource) = ServerVersion.Ask(Engine, connection, command);
            var gguf = ServerModelInfo.Gguf(request.Model); // read once: the precision and the model's description both use it
            var (precision, precisionSource) = ServedPrecision.Decide(Engine, request, plan, process?.Log.ReadAll(), gguf);
            var info = ServerModelInfo.Build(request.Model, precision, request.Device, models, gguf);
            var (tokenizer, tokenizerSource) = Tokenizer(connection, served, info, requestTimeout);

            var facts = LoadFacts(plan, process, baseUrl, served, api, version, versionSource, tokenizerSource, request);
            facts[$"{Engine.Name}_precision"] = precisionSource;
            if (preload is not null) facts[$"{Engine.Name}_preload"] = preload;
            var metrics = new MetricsOptions(request.Option(ServerParameters.Metrics, true),
                request.Option(ServerParameters.MetricsInterval, ServerParameters.DefaultMetricsInterval));
            // request fields (llama-server's cache_prompt) go with every request, and the record says which were sent
            var engineFields = RequestBody.EngineFields(Engine, request.BackendOptions);
            if (engineFields.Count > 0) facts[$"{Engine.Name}_request_fields"] = engineFields.ToJsonString();
            var model = new ServerRequestModel(Engine, connection, process, served, api, requestTimeout, info, tokenizer, facts, LoadWarnings(info, launched: plan is not null), metrics, engineFields);
            return model;
        }
        catch
        {
            connection?.Dispose();
            process?.Dispose();
            throw;
        }
    }

    private (ITextTokenizer Tokenizer, string Source) Tokenizer(ServerConnection connection, string served, ModelInfo info, TimeSpan timeout)
    {
        var vocab = ServerModelInfo.VocabSize(info);
        if (Engine.Tokenizer != TokenizerDialect.None)
            return (new ServerTokenizer(connection, Engine.Tokenizer, served, vocab, timeout), "the server's /tokenize and /detokenize");
        if (Directory.Exists(info.ModelFolder))
        {
            try
            {
                return (TokenizerLoader.Load(info.ModelFolder), $"the tokenizer files of {info.ModelFolder} (the server has no tokenize endpoint)");
            }
            catch (Exception e) when (e is InferenceException or IOException or InvalidOperationException or ArgumentException)
            {
                // falls through to no tokenizer
            }
        }
        return (new NoServerTokenizer(Engine.Name, vocab), "none (the server has no tokenize endpoint): prompts must be text or token ids, counts come from usage");
    }

    private Dictionary<string, object> LoadFacts(LaunchPlan? plan, ServerProcess? process, Uri baseUrl, string served, ServerApi api,
        string version, string versionSource, string tokenizerSource, ModelLoadRequest request)
    {
        string Key(string name) => $"{Engine.Name}_{name}";
        var facts = new Dictionary<string, object>
        {
            [Key("engine")] = Engine.DisplayName,
            [Key("launched_by_lem")] = plan is null ? "no (server.url)" : "yes",
            [Key("url")] = baseUrl.ToString().TrimEnd('/'),
            [Key("served_model")] = served,
            [Key("api")] = api == ServerApi.Chat ? "chat (/v1/chat/completions)" : "completions (/v1/completions)",
            [Key("server_version")] = version,
            [Key("server_version_source")] = versionSource,
            [Key("tokenizer")] = tokenizerSource,
            [Key("tokens_per_chunk")] = Engine.ContinuousUsage
                ? "from usage in every chunk (stream_options.continuous_usage_stats), where the server sends it"
                : "not reported by the server: a chunk may hold several tokens, and each request's usage count is spread over its chunks",
            [Key("output_pinning")] = Engine.Pinning == OutputPinning.None ? "none" : Engine.Pinning.ToString().Replace("MinTokens", "min_tokens").Replace("IgnoreEos", "ignore_eos"),
            [Key("metrics")] = Engine.Metrics.Count == 0 ? Engine.MetricsUnavailable ?? "none"
                : request.Option(ServerParameters.Metrics, true) ? "Prometheus /metrics scraped during each window" : "off (server.metrics = false)",
            [Key("extra_args")] = string.Join(" ", request.Option(ServerParameters.ExtraArgs, Array.Empty<string>()).Select(LaunchPlan.Quote)),
        };
        if (plan is not null)
        {
            facts[Key("command_line")] = plan.CommandLine;
            facts[Key("environment")] = plan.EnvironmentText;
        }
        if (process is not null)
        {
            facts[Key("log_file")] = process.Log.Path;
            facts[Key("process_group")] = process.OwnGroup ? $"{process.Pid} (own group through setsid)" : $"{process.Pid} (no setsid: stopped as one process tree)";
        }
        return facts;
    }

    private IEnumerable<string> LoadWarnings(ModelInfo info, bool launched)
    {
        if (info.Architecture == ServerModelInfo.Unknown)
            yield return $"{info.ModelFolder} is neither a local folder nor a GGUF file lem can read: its architecture and parameter count are unknown, so FLOPs figures are unavailable.";
        if (Engine.Metrics.Count == 0 && Engine.MetricsUnavailable is { } why)
            yield return $"no server-side metrics: {why}.";
        if (info.Precision == ServedPrecision.Auto)
            yield return $"the precision {Engine.DisplayName} runs at is not known to lem (see {Engine.Name}_precision): MFU is not reported. " + (
                !launched ? "Set precision to state it."
                : Engine.DtypeFlag is not null ? "Set precision to pin it."
                : "The model file decides it, and a quantized GGUF type has no single compute precision.");
    }
}
