using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Launching;
using Lem.Backends.Server.Metrics;
using Lem.Engine.Inference;
using Lem.Engine.Meters;

namespace Lem.Backends.Server.Client;

/// <summary>
/// A model served by an inference server: lem's client for it (streaming completions or chat completions, one call
/// per request, called concurrently) and, where lem started the server, the server's process. Disposing stops a server
/// lem started. Synchronisation is the server's: <see cref="Synchronize"/> returns at once.
/// </summary>
public sealed class ServerRequestModel : IRequestModel
{
    private readonly ServerEngine _engine;
    private readonly ServerConnection _connection;
    private readonly ServerProcess? _process;
    private readonly ServerApi _api;
    private readonly TimeSpan _requestTimeout;
    private readonly IReadOnlyDictionary<string, object> _loadFacts;
    private readonly ConcurrentDictionary<string, byte> _warnings = new();
    private readonly MetricsOptions _metrics;
    private readonly JsonObject _engineFields;
    private long _failed, _minTokensUnmet, _noUsage, _requests, _resent, _promptCachedRequests, _promptTokensCached, _promptTokensReported;
    private int _minTokensWanted;

    internal ServerRequestModel(ServerEngine engine, ServerConnection connection, ServerProcess? process, string servedModel, ServerApi api,
        TimeSpan requestTimeout, ModelInfo info, ITextTokenizer tokenizer, IReadOnlyDictionary<string, object> loadFacts,
        IEnumerable<string> loadWarnings, MetricsOptions metrics, JsonObject? engineFields = null)
    {
        _engineFields = engineFields ?? [];
        _engine = engine;
        _connection = connection;
        _process = process;
        ServedModel = servedModel;
        _api = api;
        _requestTimeout = requestTimeout;
        Info = info;
        Tokenizer = tokenizer;
        _loadFacts = loadFacts;
        _metrics = metrics;
        foreach (var warning in loadWarnings) _warnings.TryAdd(warning, 0);
    }

    public ModelInfo Info { get; }

    public ITextTokenizer Tokenizer { get; }

    /// <summary>The model name requests carry.</summary>
    public string ServedModel { get; }

    public Uri BaseUrl => _connection.BaseUrl;

    /// <summary>The server's process where lem started it (its PID is the process group of the server and its workers).</summary>
    public ServerProcess? Process => _process;

    public void Synchronize()
    {
    }

    public long? PeakDeviceMemoryBytes => null;

    public void ResetPeakDeviceMemory()
    {
    }

    private string Fact(string name) => $"{_engine.Name}_{name}";

    public IReadOnlyDictionary<string, object> Facts
    {
        get
        {
            var facts = new Dictionary<string, object>(_loadFacts)
            {
                [Fact("requests")] = (double)Interlocked.Read(ref _requests),
                [Fact("requests_failed")] = (double)Interlocked.Read(ref _failed),
                [Fact("requests_min_tokens_unmet")] = (double)Interlocked.Read(ref _minTokensUnmet),
                [Fact("requests_without_usage")] = (double)Interlocked.Read(ref _noUsage),
                [Fact("requests_resent")] = (double)Interlocked.Read(ref _resent),
                [Fact("requests_prompt_cached")] = (double)Interlocked.Read(ref _promptCachedRequests),
                [Fact("prompt_tokens_cached")] = (double)Interlocked.Read(ref _promptTokensCached),
                [Fact("prompt_tokens_reported")] = (double)Interlocked.Read(ref _promptTokensReported),
            };
            return facts;
        }
    }

    /// <summary>The request counts since load (warm-up included).</summary>
    public IReadOnlyCollection<string> CounterFacts =>
        [Fact("requests"), Fact("requests_failed"), Fact("requests_min_tokens_unmet"), Fact("requests_without_usage"), Fact("requests_resent"),
         Fact("requests_prompt_cached"), Fact("prompt_tokens_cached"), Fact("prompt_tokens_reported")];

    /// <summary>
    /// A warning where requests of the window had prompt tokens served from the server's cache (the usage's
    /// <c>prompt_tokens_details.cached_tokens</c>): their TTFT and prefill energy are then those of cached prompts.
    /// </summary>
    public IReadOnlyList<(string Code, string Message, string? Remedy)> WindowWarnings(IReadOnlyDictionary<string, object> factsBefore)
    {
        double InWindow(string name, long now) =>
            now - (factsBefore.TryGetValue(Fact(name), out var before) ? Convert.ToDouble(before, System.Globalization.CultureInfo.InvariantCulture) : 0);
        var requests = InWindow("requests_prompt_cached", Interlocked.Read(ref _promptCachedRequests));
        if (requests <= 0) return [];
        var cached = InWindow("prompt_tokens_cached", Interlocked.Read(ref _promptTokensCached));
        var prompt = InWindow("prompt_tokens_reported", Interlocked.Read(ref _promptTokensReported));
        var share = prompt > 0 ? FormattableString.Invariant($", {100 * cached / prompt:0}% of the window's prompt tokens") : "";
        return [PromptCacheWarning.Of(_engine,
            $"{requests:0} request(s) of the window had prompt tokens served from {_engine.DisplayName}'s prompt cache ({cached:0} tokens{share}; {Fact("cached_prompt_tokens")} per request)")];
    }

    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = _warnings.Keys.Order(StringComparer.Ordinal).ToList();
            var unmet = Interlocked.Read(ref _minTokensUnmet);
            if (unmet > 0)
                warnings.Add($"{unmet} request(s) ended before min_new_tokens = {_minTokensWanted}: {_engine.DisplayName} did not hold the output length (see {Fact("min_tokens_unmet")} per request).");
            return warnings;
        }
    }

    private ServerMetricsMeter? _windowMeter;
    private bool _windowMeterMade;

    /// <summary>The server's metrics scraper, made once and begun and ended with every window (none where the engine has no /metrics).</summary>
    public IReadOnlyList<IMeter> WindowMeters
    {
        get
        {
            if (!_windowMeterMade)
            {
                _windowMeter = CreateMetricsMeter();
                _windowMeterMade = true;
            }
            return _windowMeter is null ? [] : [_windowMeter];
        }
    }

    public IReadOnlyList<int> HostProcessIds => _process is null ? [] : [_process.Pid];

    public IReadOnlyList<string> LogFiles => _process is null ? [] : [_process.Log.Path];

    /// <summary>A meter that scrapes the server's Prometheus <c>/metrics</c> in each window, or null where the engine has none or server.metrics = false.</summary>
    public ServerMetricsMeter? CreateMetricsMeter(TimeProvider? time = null) =>
        _metrics.Enabled && _engine.Metrics.Count > 0
            ? new ServerMetricsMeter(_engine, new HttpMetricsSource(_connection), _metrics.Interval, time ?? TimeProvider.System)
            : null;

    public async Task<RequestCompletion> GenerateAsync(InferenceRequest request, GenerationSettings settings, IRequestObserver observer, CancellationToken cancellation)
    {
        ThrowIfServerGone();
        Interlocked.Increment(ref _requests);
        NoteSettings(settings);
        var (payload, promptError) = Prompt(request);
        if (promptError is not null) return Fail(promptError);

        var body = RequestBody.Build(_engine, ServedModel, _api, payload!, settings, _engineFields);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_requestTimeout);
        var path = _api == ServerApi.Chat ? "/v1/chat/completions" : "/v1/completions";
        var resent = 0;
        try
        {
            // a connection the server closed unanswered: the request goes again, its send time taken again
            using var response = await _connection.SendAsync(() => Request(path, body), timeout.Token,
                onSend: () => observer.OnSent(Stopwatch.GetTimestamp()),
                onResend: () =>
                {
                    ThrowIfServerGone(wait: true);
                    resent++;
                    Interlocked.Increment(ref _resent);
                }).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                ThrowIfServerGone(wait: true);
                var detail = ServerConnection.TryParse(text)?["error"] is { } error ? ResponseStream.ErrorText(error) : ServerConnection.FirstLine(text);
                return Fail($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {detail}");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var outcome = await ResponseStream.ReadAsync(stream, observer, timeout.Token).ConfigureAwait(false);
            if (!outcome.Done) ThrowIfServerGone(wait: true);
            return Complete(outcome, settings, resent);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            ThrowIfServerGone();
            return Fail($"timed out after {_requestTimeout.TotalSeconds:0.###} s (server.request_timeout)");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            ThrowIfServerGone(wait: true);
            return Fail($"the connection to {_connection.BaseUrl} failed: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
        }
    }

    /// <summary>A streamed request; with <c>Connection: close</c> where the server drops the connection after the stream anyway.</summary>
    private HttpRequestMessage Request(string path, JsonObject body)
    {
        var message = ServerConnection.Post(path, body);
        if (_engine.ClosesConnectionAfterStream) message.Headers.ConnectionClose = true;
        return message;
    }

    private (PromptPayload? Payload, string? Error) Prompt(InferenceRequest request)
    {
        if (_api == ServerApi.Completions && _engine.TokenIdPrompts && request.PromptTokenIds.Length > 0)
            return (new PromptPayload(request.PromptTokenIds, null), null);
        if (request.PromptText is { } text) return (new PromptPayload(null, text), null);
        try
        {
            var decoded = Tokenizer.Decode(request.PromptTokenIds);
            _warnings.TryAdd(_api == ServerApi.Chat
                ? "server.api = chat: token-id prompts were sent as their text in the server's chat template; prompt lengths are the server's usage counts, not the synthetic lengths."
                : $"{_engine.DisplayName} takes no token-id prompts: they were sent as their text; prompt lengths are the server's usage counts.", 0);
            return (new PromptPayload(null, decoded), null);
        }
        catch (InferenceException e)
        {
            return (null, $"the prompt is token ids and {_engine.DisplayName} needs text here: {e.Message}");
        }
    }

    private void NoteSettings(GenerationSettings settings)
    {
        if (settings.MinNewTokens > 0) _minTokensWanted = settings.MinNewTokens;
        if (!RequestBody.CanPin(_engine, settings))
            _warnings.TryAdd(_engine.Pinning.HasFlag(OutputPinning.IgnoreEos)
                ? $"{_engine.DisplayName} pins the output length only with ignore_eos, which needs min_new_tokens = max_new_tokens; min_new_tokens = {settings.MinNewTokens} was not sent."
                : $"{_engine.DisplayName} has no way to pin the output length through its OpenAI API; min_new_tokens = {settings.MinNewTokens} was not sent.", 0);
        if (!_engine.ExtendedSampling && !settings.Greedy && (settings.TopK > 0 || settings.MinP > 0 || settings.RepetitionPenalty != 1.0))
            _warnings.TryAdd($"{_engine.DisplayName} gets standard OpenAI sampling fields only: decoder.top_k, decoder.min_p and decoder.repetition_penalty were not sent.", 0);
    }

    private RequestCompletion Complete(StreamOutcome outcome, GenerationSettings settings, int resent)
    {
        var facts = new Dictionary<string, double>(StringComparer.Ordinal) { [Fact("token_chunks")] = outcome.TokenChunks };
        if (resent > 0) facts[Fact("resent")] = resent;
        foreach (var (name, value) in outcome.Timings) facts[Fact(name)] = value;
        if (outcome.CachedPromptTokens is { } cached) facts[Fact("cached_prompt_tokens")] = cached;

        string? error = outcome.ServerError
            ?? (outcome.Done ? null : $"the stream ended before data: [DONE] (cut short after {outcome.TokenChunks} token chunks)");
        if (error is not null)
        {
            Interlocked.Increment(ref _failed);
            return new RequestCompletion(outcome.CompletionTokens, outcome.PromptTokens, outcome.FinishReason, error, facts);
        }
        if (outcome.CompletionTokens is null) Interlocked.Increment(ref _noUsage);
        if (outcome.PromptTokens is { } promptTokens) Interlocked.Add(ref _promptTokensReported, promptTokens);
        if (outcome.CachedPromptTokens is > 0 and var cachedTokens)
        {
            Interlocked.Increment(ref _promptCachedRequests);
            Interlocked.Add(ref _promptTokensCached, cachedTokens);
        }
        if (settings.MinNewTokens > 0 && outcome.CompletionTokens is { } produced && produced < settings.MinNewTokens)
        {
            facts[Fact("min_tokens_unmet")] = 1;
            Interlocked.Increment(ref _minTokensUnmet);
        }
        return new RequestCompletion(outcome.CompletionTokens, outcome.PromptTokens, outcome.FinishReason, null, facts);
    }

    private RequestCompletion Fail(string error)
    {
        Interlocked.Increment(ref _failed);
        return new RequestCompletion(null, null, null, error);
    }

    /// <summary>Throws when the server lem started has exited (a failed request then means the backend is gone).</summary>
    private void ThrowIfServerGone(bool wait = false)
    {
        if (_process is null) return;
        // a killed server closes its sockets a moment before its exit is seen
        if (wait && !_process.HasExited) _process.WaitForExit(TimeSpan.FromMilliseconds(500));
        if (_process.HasExited)
            throw new InferenceException($"the {_engine.DisplayName} server exited with code {_process.ExitCode} during the run. {_process.Log.TailText()}");
    }

    public void Dispose()
    {
        _windowMeter?.Dispose();
        _connection.Dispose();
        _process?.Dispose();
    }
}
