using Lem.Backends.Server.Client;
using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Modules;
using Lem.Backends.Server.Tests.Support;
using Lem.Backends.Server.TestServer;
using Lem.Engine.Inference;
using Microsoft.Extensions.Time.Testing;

namespace Lem.Backends.Server.Tests.Loopback;

/// <summary>The client against loopback servers that stream tokens of lem's TorchSharp tiny model with vLLM's and llama-server's framing.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class LoopbackServerTests(TinyModelServers servers) : IDisposable
{
    private static readonly GenerationSettings EightTokens = new(8, 8);
    private static readonly InferenceRequest Prompt = new(0, [464, 2068, 7586, 21831, 18045, 625], null);
    private readonly List<IDisposable> _models = [];

    private ServerRequestModel Load(ServerEngine engine, OpenAiTestServer server, params (string Name, object Value)[] options)
    {
        var all = new Dictionary<string, object>
        {
            ["server.url"] = server.BaseUrl.ToString(),
            ["server.ready_timeout"] = TimeSpan.FromSeconds(30),
            ["server.request_timeout"] = TimeSpan.FromSeconds(60),
        };
        foreach (var (name, value) in options) all[name] = value;
        var model = new ServerBackendModule(engine).Load(new ModelLoadRequest(TinyModelServers.ServedModel, "fp32", "cpu", all));
        _models.Add(model);
        return model;
    }

    private static async Task<(RequestCompletion Completion, RecordingObserver Observer)> Send(ServerRequestModel model, GenerationSettings? settings = null, InferenceRequest? request = null)
    {
        var observer = new RecordingObserver();
        var completion = await model.GenerateAsync(request ?? Prompt, settings ?? EightTokens, observer, CancellationToken.None);
        return (completion, observer);
    }

    [Fact]
    public async Task A_vllm_framed_stream_gives_usage_counts_and_the_tokens_of_every_chunk()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        var (completion, observer) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal(8, completion.OutputTokens);
        Assert.Equal(Prompt.PromptTokenIds.Length, completion.PromptTokens);
        Assert.Equal("length", completion.FinishReason);
        Assert.Equal(Enumerable.Repeat((int?)1, 8), observer.Chunks.Select(c => c.Tokens));
        Assert.True(observer.SentAt <= observer.Chunks.First().Ticks);
        Assert.Equal("lem-test-server/1", model.Facts["vllm_server_version"]);
        Assert.Equal("no (server.url)", model.Facts["vllm_launched_by_lem"]);
    }

    [Fact]
    public async Task Several_tokens_in_one_chunk_are_reported_as_such()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        servers.Vllm.Options.TokensPerChunk = 3;
        try
        {
            var (completion, observer) = await Send(model);
            Assert.Equal(8, completion.OutputTokens);
            Assert.Equal([3, 3, 2], observer.Chunks.Select(c => c.Tokens!.Value));
        }
        finally
        {
            servers.Vllm.Options.TokensPerChunk = 1;
        }
    }

    [Fact]
    public async Task A_llama_server_framed_stream_records_the_server_s_own_timings()
    {
        var model = Load(LlamaServer.Engine, servers.Llama);
        var (completion, observer) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal(8, completion.OutputTokens);
        Assert.Equal(8, observer.Chunks.Count);
        Assert.All(observer.Chunks, c => Assert.Null(c.Tokens));
        Assert.Equal(8, completion.Facts!["llama_server_predicted_n"]);
        Assert.Equal(Prompt.PromptTokenIds.Length, completion.Facts["llama_server_prompt_n"]);
        Assert.True(completion.Facts.ContainsKey("llama_server_prompt_ms"));
        Assert.Equal(0, completion.Facts["llama_server_cached_prompt_tokens"]);
    }

    [Fact]
    public async Task Chat_completions_send_the_prompt_as_text_and_count_with_the_server_s_usage()
    {
        var model = Load(LlamaServer.Engine, servers.Llama, ("server.api", "chat"));
        var (completion, observer) = await Send(model, request: new InferenceRequest(0, [], "The quick brown fox"));

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal(8, completion.OutputTokens);
        Assert.Equal(servers.Generator.Encode("The quick brown fox").Length, completion.PromptTokens);
        Assert.Equal(8, observer.Chunks.Count);
    }

    [Fact]
    public async Task Token_id_prompts_on_the_chat_api_go_as_their_text_with_a_warning()
    {
        var model = Load(Vllm.Engine, servers.Vllm, ("server.api", "chat"));
        var (completion, _) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Contains(model.Warnings, w => w.Contains("server.api = chat"));
    }

    [Fact]
    public void The_tokenizer_is_the_server_s()
    {
        foreach (var (engine, server) in new[] { (Vllm.Engine, servers.Vllm), (LlamaServer.Engine, servers.Llama) })
        {
            var model = Load(engine, server);
            var ids = model.Tokenizer.Encode("Energy per token, measured honestly.");
            Assert.Equal(servers.Generator.Encode("Energy per token, measured honestly."), ids);
            Assert.Equal("Energy per token, measured honestly.", model.Tokenizer.Decode(ids));
        }
    }

    [Theory]
    [InlineData(FaultKind.TooManyRequests, 0, "HTTP 429")]
    [InlineData(FaultKind.ServerError, 0, "HTTP 500")]
    [InlineData(FaultKind.TruncateStream, 2, "ended before data: [DONE]")]
    [InlineData(FaultKind.ErrorEvent, 2, "mid-stream")]
    [InlineData(FaultKind.KillProcess, 2, "failed")]
    public async Task A_failed_request_is_a_completion_with_an_error_and_is_counted(FaultKind kind, int tokens, string expected)
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        servers.Vllm.Options.NextFaults.Enqueue(new Fault(kind, tokens));
        var (completion, observer) = await Send(model);

        Assert.False(completion.Succeeded);
        Assert.Contains(expected, completion.Error);
        Assert.Equal(1.0, model.Facts["vllm_requests_failed"]);
        Assert.True(observer.Chunks.Count <= tokens);
        var (next, _) = await Send(model);
        Assert.True(next.Succeeded, next.Error);
    }

    /// <summary>Fails the first <paramref name="times"/> POSTs to a path ending in <paramref name="path"/> as a keep-alive connection the server closed just then fails (ResponseEnded, nothing answered).</summary>
    private sealed class ClosedHandler(int times, string path = "/completions") : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _failed;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith(path, StringComparison.Ordinal) && Interlocked.Increment(ref _failed) <= times
                ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")
                : base.SendAsync(request, cancellationToken);
    }

    private ServerRequestModel LoadClosing(int times)
    {
        var options = new Dictionary<string, object> { ["server.url"] = servers.Vllm.BaseUrl.ToString(), ["server.ready_timeout"] = TimeSpan.FromSeconds(30) };
        return new ServerBackendModule(Vllm.Engine).Load(new ModelLoadRequest(TinyModelServers.ServedModel, "fp32", "cpu", options), new ClosedHandler(times));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(ServerConnection.MaxResends)]
    public async Task A_request_on_connections_the_server_closed_unanswered_is_sent_again(int closures)
    {
        using var model = LoadClosing(closures);
        var (completion, _) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal(closures, completion.Facts!["vllm_resent"]);
        Assert.Equal((double)closures, model.Facts["vllm_requests_resent"]);
    }

    /// <summary>Records whether each completion POST asked for <c>Connection: close</c>.</summary>
    private sealed class HeaderRecorder() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<bool> ConnectionClose { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/completions", StringComparison.Ordinal)) ConnectionClose.Add(request.Headers.ConnectionClose == true);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Theory]
    [InlineData("llama_server", true)]
    [InlineData("vllm", false)]
    public async Task Streamed_requests_ask_to_close_the_connection_where_the_server_drops_it_after_the_stream(string engineName, bool expected)
    {
        var (engine, server) = engineName == "vllm" ? (Vllm.Engine, servers.Vllm) : (LlamaServer.Engine, servers.Llama);
        var recorder = new HeaderRecorder();
        var options = new Dictionary<string, object> { ["server.url"] = server.BaseUrl.ToString(), ["server.ready_timeout"] = TimeSpan.FromSeconds(30) };
        using var model = new ServerBackendModule(engine).Load(new ModelLoadRequest(TinyModelServers.ServedModel, "fp32", "cpu", options), recorder);
        var (completion, _) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal([expected], recorder.ConnectionClose);
    }

    [Fact]
    public async Task Tokenizer_calls_on_connections_the_server_closed_unanswered_are_sent_again()
    {
        using var connection = new ServerConnection(servers.Llama.BaseUrl, null, new ClosedHandler(ServerConnection.MaxResends, "/tokenize"));
        var answer = await connection.PostJsonAsync("/tokenize", new System.Text.Json.Nodes.JsonObject { ["content"] = "energy per token" }, CancellationToken.None);

        Assert.Equal(servers.Generator.Encode("energy per token").Length, answer["tokens"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_request_whose_connection_closes_unanswered_more_often_than_it_may_be_resent_fails()
    {
        using var model = LoadClosing(ServerConnection.MaxResends + 1);
        var (completion, _) = await Send(model);

        Assert.False(completion.Succeeded);
        Assert.Contains("The response ended prematurely", completion.Error);
        Assert.Equal((double)ServerConnection.MaxResends, model.Facts["vllm_requests_resent"]);
        Assert.Equal(1.0, model.Facts["vllm_requests_failed"]);
    }

    [Fact]
    public async Task A_first_token_that_never_comes_times_out_as_a_failed_request()
    {
        var model = Load(Vllm.Engine, servers.Vllm, ("server.request_timeout", TimeSpan.FromMilliseconds(300)));
        servers.Vllm.Options.NextFaults.Enqueue(new Fault(FaultKind.StallFirstToken));
        var (completion, observer) = await Send(model);

        Assert.Contains("timed out", completion.Error);
        Assert.Empty(observer.Chunks);
    }

    [Fact]
    public async Task Keep_alive_comments_before_the_first_token_are_not_chunks()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        servers.Vllm.Options.NextFaults.Enqueue(new Fault(FaultKind.KeepAliveFirst, 5));
        var (completion, observer) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal(8, observer.Chunks.Count);
    }

    [Fact]
    public async Task An_answer_shorter_than_min_new_tokens_is_flagged()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        servers.Vllm.Options.NextFaults.Enqueue(new Fault(FaultKind.EarlyStop, 3));
        var (completion, _) = await Send(model);

        Assert.True(completion.Succeeded, completion.Error);
        Assert.Equal(3, completion.OutputTokens);
        Assert.Equal("stop", completion.FinishReason);
        Assert.Equal(1, completion.Facts!["vllm_min_tokens_unmet"]);
        Assert.Contains(model.Warnings, w => w.Contains("min_new_tokens = 8"));
    }

    [Fact]
    public async Task Concurrent_requests_all_complete()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        var completions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Send(model)));
        Assert.All(completions, c => Assert.Equal(8, c.Completion.OutputTokens));
    }

    [Fact]
    public async Task A_cancelled_request_throws_rather_than_counting_as_failed()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        using var cancel = new CancellationTokenSource();
        servers.Vllm.Options.NextFaults.Enqueue(new Fault(FaultKind.StallFirstToken));
        var received = servers.Vllm.RequestsReceived;
        var pending = model.GenerateAsync(Prompt, EightTokens, new RecordingObserver(), cancel.Token);
        for (var i = 0; i < 200 && servers.Vllm.RequestsReceived == received; i++) await Task.Delay(50);
        Assert.True(servers.Vllm.RequestsReceived > received, "the server never received the request");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0.0, model.Facts["vllm_requests_failed"]);
    }

    [Fact]
    public async Task The_metrics_meter_reads_the_server_s_counters_over_a_window()
    {
        var model = Load(Vllm.Engine, servers.Vllm);
        using var meter = model.CreateMetricsMeter(new FakeTimeProvider())!;
        meter.BeginWindow("measure");
        await Send(model);
        var result = meter.EndWindow();

        Assert.Equal(8.0, result.Metrics["server_generation_tokens"]);
        Assert.Equal(Prompt.PromptTokenIds.Length, result.Metrics["server_prompt_tokens"]);
        Assert.Equal(2.0, result.Metrics["server_metrics_scrapes"]);
        Assert.True(result.Metrics.ContainsKey("server_running_requests_max"));
    }

    [Fact]
    public async Task Ollama_s_num_gpu_goes_with_a_load_request_before_any_window_then_requests_reuse_the_model()
    {
        var before = servers.Vllm.LoadRequests.Count;
        var model = Load(Ollama.Engine, servers.Vllm, ("ollama.num_gpu", 20L));

        var load = Assert.Single(servers.Vllm.LoadRequests.Skip(before));
        Assert.Equal(TinyModelServers.ServedModel, (string?)load["model"]);
        Assert.Equal("", (string?)load["prompt"]);
        Assert.Equal(20, (int)load["options"]!["num_gpu"]!);
        Assert.Contains("\"num_gpu\":20", (string)model.Facts["ollama_preload"]);

        var (completion, _) = await Send(model, request: new InferenceRequest(0, [], "The quick brown fox"));
        Assert.True(completion.Succeeded, completion.Error);
        Assert.Single(servers.Vllm.LoadRequests.Skip(before)); // the requests load nothing more
    }

    [Fact]
    public void A_url_that_does_not_list_the_model_fails_the_load_naming_what_it_lists()
    {
        var module = new ServerBackendModule(Vllm.Engine);
        var e = Assert.Throws<InferenceException>(() => module.Load(new ModelLoadRequest("other-model", "fp32", "cpu", new Dictionary<string, object>
        {
            ["server.url"] = servers.Vllm.BaseUrl.ToString(),
            ["server.ready_timeout"] = TimeSpan.FromMilliseconds(500),
        })));
        Assert.Contains("tiny-test", e.Message);
        Assert.Contains("server.ready_timeout", e.Message);
    }

    public void Dispose()
    {
        foreach (var model in _models) model.Dispose();
    }
}
