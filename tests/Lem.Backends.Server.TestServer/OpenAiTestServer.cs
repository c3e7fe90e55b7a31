using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lem.Backends.Server.TestServer;

/// <summary>
/// A loopback OpenAI-compatible server on Kestrel: /health, /v1/models, /version or /props, /tokenize, /detokenize,
/// /metrics, and streaming /v1/completions and /v1/chat/completions with the framing of vLLM or llama-server.
/// </summary>
public sealed class OpenAiTestServer : IAsyncDisposable
{
    private readonly TestServerOptions _options;
    private readonly WebApplication _app;
    private readonly Task<ITokenGenerator> _generator;
    private readonly PromptCache _promptCache = new();
    private int _requestNumber, _running, _waiting;
    private long _promptTokens, _generatedTokens, _cachedPromptTokens;

    private OpenAiTestServer(TestServerOptions options, WebApplication app)
    {
        _options = options;
        _app = app;
        _generator = Task.Run(options.Generator);
    }

    public TestServerOptions Options => _options;

    /// <summary>Completion requests received so far (a test waits for its request to arrive before it cancels it).</summary>
    public int RequestsReceived => Volatile.Read(ref _requestNumber);

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The bodies of the model-loading requests (Ollama's <c>POST /api/generate</c> with an empty prompt) received so far.</summary>
    public ConcurrentQueue<JsonObject> LoadRequests { get; } = new();

    /// <summary>Starts it on 127.0.0.1 and <paramref name="port"/> (0: a free one).</summary>
    public static async Task<OpenAiTestServer> StartAsync(TestServerOptions options, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new OpenAiTestServer(options, app);
        server.Map(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        server.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Waits until the model is loaded (tests that talk to it at once).</summary>
    public Task<ITokenGenerator> Ready => _generator;

    private void Map(WebApplication app)
    {
        app.MapGet("/health", () => !_options.NeverReady && _generator.IsCompletedSuccessfully
            ? Results.Json(new { status = "ok" })
            : Results.Json(new { error = new { message = "Loading model", type = "unavailable_error", code = 503 } }, statusCode: 503));
        app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = _options.ServedModel, @object = "model", owned_by = "lem-test-server" } },
        }));
        app.MapGet("/version", () => Results.Json(new { version = "lem-test-server/1", arguments = _options.Arguments }));
        app.MapGet("/props", () => Results.Json(new { build_info = "lem-test-server/1" }));
        app.MapGet("/metrics", (Delegate)Metrics);
        app.MapPost("/tokenize", (Delegate)Tokenize);
        app.MapPost("/detokenize", (Delegate)Detokenize);
        // Ollama's own API, as far as lem uses it: its version, and loading a model with an empty prompt
        app.MapGet("/api/version", () => Results.Json(new { version = "lem-test-server/1" }));
        app.MapPost("/api/generate", (Delegate)Load);
        app.MapPost("/v1/completions", context => Stream(context, chat: false));
        app.MapPost("/v1/chat/completions", context => Stream(context, chat: true));
    }

    /// <summary>An empty prompt loads the model (Ollama's documented behaviour); a prompt is refused, as lem never generates here.</summary>
    private async Task<IResult> Load(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false) as JsonObject ?? [];
        if ((string?)body["model"] != _options.ServedModel)
            return Results.Json(new { error = $"model '{(string?)body["model"]}' not found" }, statusCode: 404);
        if (!string.IsNullOrEmpty((string?)body["prompt"]))
            return Results.Json(new { error = "the test server loads models only (an empty prompt)" }, statusCode: 400);
        LoadRequests.Enqueue(body);
        await _generator.ConfigureAwait(false);
        return Results.Json(new { model = _options.ServedModel, response = "", done = true, done_reason = "load" });
    }

    private async Task<IResult> Tokenize(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false);
        var text = (string?)(body?["prompt"] ?? body?["content"]) ?? "";
        var ids = (await _generator.ConfigureAwait(false)).Encode(text);
        return Results.Json(new { tokens = ids, count = ids.Length });
    }

    private async Task<IResult> Detokenize(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false);
        var ids = (body?["tokens"] as JsonArray)?.Select(t => (int)t!).ToArray() ?? [];
        var text = (await _generator.ConfigureAwait(false)).Decode(ids);
        return _options.Framing == Framing.LlamaServer ? Results.Json(new { content = text }) : Results.Json(new { prompt = text });
    }

    private string Metrics()
    {
        var model = _options.ServedModel.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var text = new StringBuilder();
        void Line(string name, string type, double value, string labels)
        {
            text.Append("# HELP ").Append(name).Append(" test server figure\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (_options.Framing == Framing.LlamaServer)
        {
            Line("llamacpp:requests_processing", "gauge", Volatile.Read(ref _running), "");
            Line("llamacpp:requests_deferred", "gauge", Volatile.Read(ref _waiting), "");
            Line("llamacpp:prompt_tokens_total", "counter", Interlocked.Read(ref _promptTokens), "");
            Line("llamacpp:tokens_predicted_total", "counter", Interlocked.Read(ref _generatedTokens), "");
        }
        else
        {
            var labels = $"{{engine=\"0\",model_name=\"{model}\"}}";
            Line("vllm:num_requests_running", "gauge", Volatile.Read(ref _running), labels);
            Line("vllm:num_requests_waiting", "gauge", Volatile.Read(ref _waiting), labels);
            Line("vllm:kv_cache_usage_perc", "gauge", Volatile.Read(ref _running) * 0.25, labels);
            Line("vllm:prefix_cache_queries_total", "counter", Interlocked.Read(ref _promptTokens), labels);
            Line("vllm:prefix_cache_hits_total", "counter", Interlocked.Read(ref _cachedPromptTokens), labels);
            Line("vllm:num_preemptions_total", "counter", 0, labels);
            Line("vllm:prompt_tokens_total", "counter", Interlocked.Read(ref _promptTokens), labels);
            Line("vllm:generation_tokens_total", "counter", Interlocked.Read(ref _generatedTokens), labels);
        }
        return text.ToString();
    }

    private Fault NextFault(int number) =>
        _options.NextFaults.TryDequeue(out var fault) ? fault : number >= _options.StandingFaultFrom ? _options.StandingFault : Fault.None;

    private async Task Stream(HttpContext context, bool chat)
    {
        var aborted = context.RequestAborted;
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: aborted).ConfigureAwait(false) as JsonObject ?? [];
        var fault = NextFault(_requestNumber + 1);
        Interlocked.Increment(ref _requestNumber);
        if (fault.Kind is FaultKind.TooManyRequests or FaultKind.ServerError)
        {
            var status = fault.Kind == FaultKind.TooManyRequests ? 429 : 500;
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = status == 429 ? "rate limit: too many requests" : "internal server error (on demand)", type = "test_fault", code = status } }, aborted).ConfigureAwait(false);
            return;
        }

        var generator = await _generator.ConfigureAwait(false);
        var prompt = chat
            ? generator.Encode((string?)((body["messages"] as JsonArray)?.LastOrDefault()?["content"]) ?? "")
            : body["prompt"] is JsonArray ids ? ids.Select(t => (int)t!).ToArray() : generator.Encode((string?)body["prompt"] ?? "");
        var maxTokens = (int?)body["max_tokens"] ?? 16;
        var ignoreEos = (bool?)body["ignore_eos"] ?? false;
        var minTokens = ignoreEos ? maxTokens : _options.Framing == Framing.Vllm ? (int?)body["min_tokens"] ?? 0 : 0;
        var includeUsage = (bool?)body["stream_options"]?["include_usage"] ?? false;
        var continuousUsage = _options.Framing == Framing.Vllm && ((bool?)body["stream_options"]?["continuous_usage_stats"] ?? false);
        var model = (string?)body["model"] ?? _options.ServedModel;
        // llama-server: per request (cache_prompt, true unless sent false); vLLM: automatic prefix caching, on by default,
        // reported in its /metrics (and in usage only with --enable-prompt-tokens-details, which this server leaves off)
        var cached = _promptCache.Serve(prompt, _options.Framing == Framing.Vllm || ((bool?)body["cache_prompt"] ?? true));
        Interlocked.Add(ref _cachedPromptTokens, cached);
        var frame = new Frames(_options.Framing, chat, model, prompt.Length, cached);

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(aborted).ConfigureAwait(false);
        var writer = context.Response.Body;

        async Task Send(string text)
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes(text), aborted).ConfigureAwait(false);
            await writer.FlushAsync(aborted).ConfigureAwait(false);
        }

        if (fault.Kind == FaultKind.StallFirstToken)
        {
            for (var i = 0; i < 600 && !aborted.IsCancellationRequested; i++)
            {
                await Send(": keep-alive\n\n").ConfigureAwait(false);
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }
            return;
        }
        if (fault.Kind == FaultKind.KeepAliveFirst)
            for (var i = 0; i < fault.Tokens; i++) await Send(": keep-alive\n\n").ConfigureAwait(false);
        if (chat) await Send(frame.Role()).ConfigureAwait(false);

        var tokens = Channel.CreateUnbounded<int>();
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _waiting);
        var generation = Task.Run(() =>
        {
            var counted = false;
            try
            {
                generator.Generate(prompt, maxTokens, minTokens, id =>
                {
                    if (!counted)
                    {
                        counted = true;
                        Interlocked.Decrement(ref _waiting);
                        Interlocked.Increment(ref _running);
                    }
                    tokens.Writer.TryWrite(id);
                });
            }
            finally
            {
                if (counted) Interlocked.Decrement(ref _running);
                else Interlocked.Decrement(ref _waiting);
                tokens.Writer.Complete();
            }
        }, CancellationToken.None);
        Interlocked.Add(ref _promptTokens, prompt.Length);

        var sent = 0;
        long firstTokenAt = 0;
        var pending = new List<int>();
        string? finish = null;
        await foreach (var id in tokens.Reader.ReadAllAsync(aborted).ConfigureAwait(false))
        {
            if (firstTokenAt == 0) firstTokenAt = Stopwatch.GetTimestamp();
            pending.Add(id);
            var last = sent + pending.Count >= maxTokens;
            if (pending.Count < _options.TokensPerChunk && !last) continue;
            sent += pending.Count;
            Interlocked.Add(ref _generatedTokens, pending.Count);
            var stopNow = fault.Kind == FaultKind.EarlyStop && sent >= fault.Tokens;
            var chunkFinish = _options.Framing == Framing.Vllm && (last || stopNow) ? (stopNow && !last ? "stop" : "length") : null;
            await Send(frame.Token(generator.Decode(pending), chunkFinish, continuousUsage ? sent : null)).ConfigureAwait(false);
            pending.Clear();
            if (fault.Kind == FaultKind.TruncateStream && sent >= fault.Tokens) return;
            if (fault.Kind == FaultKind.ErrorEvent && sent >= fault.Tokens)
            {
                await Send("data: {\"error\":{\"message\":\"the engine failed mid-stream (on demand)\",\"type\":\"test_fault\",\"code\":500}}\n\n").ConfigureAwait(false);
                await Send("data: [DONE]\n\n").ConfigureAwait(false);
                return;
            }
            if (fault.Kind == FaultKind.KillProcess && sent >= fault.Tokens)
            {
                if (_options.MayKillProcess) Process.GetCurrentProcess().Kill();
                context.Abort();
                return;
            }
            if (stopNow)
            {
                finish = "stop";
                break;
            }
        }
        if (pending.Count > 0)
        {
            sent += pending.Count;
            Interlocked.Add(ref _generatedTokens, pending.Count);
            await Send(frame.Token(generator.Decode(pending), _options.Framing == Framing.Vllm ? "stop" : null, continuousUsage ? sent : null)).ConfigureAwait(false);
        }
        await generation.ConfigureAwait(false);
        finish ??= sent >= maxTokens ? "length" : "stop";
        var ended = Stopwatch.GetTimestamp();
        var promptMs = Stopwatch.GetElapsedTime(started, firstTokenAt == 0 ? ended : firstTokenAt).TotalMilliseconds;
        var predictedMs = firstTokenAt == 0 ? 0 : Stopwatch.GetElapsedTime(firstTokenAt, ended).TotalMilliseconds;
        foreach (var closing in frame.Closing(finish, sent, includeUsage, promptMs, predictedMs)) await Send(closing).ConfigureAwait(false);
        await Send("data: [DONE]\n\n").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
