using Lem.Backends.Server.Modules;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running;

namespace Lem.Backends.Server.Tests.Loopback;

/// <summary>
/// A whole experiment through the engine's runner (plan, load, workload, warm-up, measure, record) in the request shape,
/// against the loopback server that streams lem's tiny model: the record is the same kind of record a TorchSharp run makes.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class RunnerEndToEndTests(TinyModelServers servers) : IDisposable
{
    private readonly string _results = Directory.CreateTempSubdirectory("lem-server-runs-").FullName;

    private static ResolvedValue At(ConfigValue value, int line) => new(value, new Provenance.Assignment("e2e.lem", line, 1));

    /// <summary>One experiment through the runner with the server modules composed; its one raw record as stored.</summary>
    private RawRecord RunOne(string experiment, Dictionary<string, ResolvedValue> values)
    {
        var registry = ParameterRegistry.Compose([.. ServerModules.Create().Cast<IBackendModule>()]);
        var config = ExperimentConfig.From(values, registry);
        var services = new RunnerServices(registry, TextWriter.Null)
        {
            CollectEnvironment = _ => EnvironmentInfo.Collect(null),
            NewProgressLine = () => new ProgressLine(TextWriter.Null, false),
            BaselineCacheFolder = Path.Combine(_results, "baselines"),
        };
        using var runner = new ExperimentRunner(services);
        var outcome = runner.Run(new PlannedRun(experiment, 1, config, _results));
        return Assert.Single(new ResultStore(_results).LoadRun(outcome.RunId).Records);
    }

    [Fact]
    public void A_vllm_endpoint_run_gives_a_request_shape_record_with_server_token_counts()
    {
        var values = new Dictionary<string, ResolvedValue>
        {
            ["backend"] = At(new ConfigValue.Word("vllm"), 1),
            ["model"] = At(new ConfigValue.Text(TinyModelServers.ServedModel), 2),
            ["server.url"] = At(new ConfigValue.Text(servers.Vllm.BaseUrl.ToString()), 3),
            ["max_new_tokens"] = At(new ConfigValue.Integer(6), 4),
            ["min_new_tokens"] = At(new ConfigValue.Integer(6), 5),
            ["prompts"] = At(new ConfigValue.Call("synthetic", [], [new("count", new ConfigValue.Integer(6)), new("input_tokens", new ConfigValue.Integer(8))]), 6),
            ["traffic.mode"] = At(new ConfigValue.Word("concurrent"), 7),
            ["traffic.concurrency"] = At(new ConfigValue.Integer(3), 8),
            ["warmup.count"] = At(new ConfigValue.Integer(1), 9),
            ["results.dir"] = At(new ConfigValue.Text(_results), 10),
        };
        var record = RunOne("e2e", values);

        Assert.Equal(("request", "first-send-to-last-response"), (record.Window.ExecutionShape, record.Window.Edges));
        Assert.Equal(new TokenCounts(6, 48, 48, 36), record.Tokens); // counts from the server's usage
        Assert.Equal(0, record.Metrics["failed_requests"]);
        Assert.All(record.Requests!, r => Assert.Equal(6, r.OutputTokens));
        Assert.All(record.Requests!, r => Assert.True(r.TtftMs > 0 && r.ItlMs!.Count == 5));
        Assert.DoesNotContain(record.Energy, e => e.Component.StartsWith("gpu", StringComparison.Ordinal)); // server.url: nothing metered unless measurement.gpus says
        Assert.Equal("vllm", record.Config["backend"].Value!.ToString());
        Assert.True(record.Config.ContainsKey("server.url"));
        Assert.DoesNotContain(record.Config.Keys, k => k.StartsWith("vllm.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ollama_run_sends_file_prompts_as_text_and_counts_with_the_server_s_usage()
    {
        var prompts = Path.Combine(_results, "prompts.jsonl");
        File.WriteAllLines(prompts, ["{\"text\": \"The quick brown fox\"}", "{\"text\": \"Energy per token, measured honestly.\"}"]);
        var values = new Dictionary<string, ResolvedValue>
        {
            ["backend"] = At(new ConfigValue.Word("ollama"), 1),
            ["model"] = At(new ConfigValue.Text(TinyModelServers.ServedModel), 2),
            ["server.url"] = At(new ConfigValue.Text(servers.Vllm.BaseUrl.ToString()), 3),
            ["max_new_tokens"] = At(new ConfigValue.Integer(4), 4),
            ["prompts"] = At(new ConfigValue.Call("file", [new ConfigValue.Text(prompts)], []), 5),
            ["warmup.count"] = At(new ConfigValue.Integer(1), 6),
            ["results.dir"] = At(new ConfigValue.Text(_results), 7),
        };
        var record = RunOne("ollama", values);

        Assert.Equal(2, record.Tokens.Requests);
        Assert.Equal(8, record.Tokens.OutputTokens); // the server's usage
        Assert.Equal(servers.Generator.Encode("The quick brown fox").Length + servers.Generator.Encode("Energy per token, measured honestly.").Length,
            record.Tokens.PromptTokens); // the server's count of the text it got
    }

    /// <summary>A llama_server run against the loopback llama-server (which reuses cached prompt prefixes as llama-server does), warm-up prompts repeated in the window.</summary>
    private RawRecord RunLlamaServer(string experiment, bool? cachePrompt)
    {
        var values = new Dictionary<string, ResolvedValue>
        {
            ["backend"] = At(new ConfigValue.Word("llama_server"), 1),
            ["model"] = At(new ConfigValue.Text(TinyModelServers.ServedModel), 2),
            ["server.url"] = At(new ConfigValue.Text(servers.Llama.BaseUrl.ToString()), 3),
            ["max_new_tokens"] = At(new ConfigValue.Integer(4), 4),
            ["min_new_tokens"] = At(new ConfigValue.Integer(4), 5),
            ["prompts"] = At(new ConfigValue.Call("synthetic", [], [new("count", new ConfigValue.Integer(4)), new("input_tokens", new ConfigValue.Integer(12))]), 6),
            ["warmup.count"] = At(new ConfigValue.Integer(2), 7),
            ["results.dir"] = At(new ConfigValue.Text(_results), 8),
        };
        if (cachePrompt is { } cache) values["llama_server.cache_prompt"] = At(new ConfigValue.Boolean(cache), 9);
        return RunOne(experiment, values);
    }

    [Fact]
    public void Llama_server_requests_carry_cache_prompt_false_by_default_so_no_prompt_comes_from_the_cache()
    {
        var record = RunLlamaServer("uncached", cachePrompt: null);

        Assert.Equal("{\"cache_prompt\":false}", record.Environment["backend"]?["llama_server_request_fields"]?.GetValue<string>());
        Assert.Equal(0, record.Metrics["llama_server_prompt_tokens_cached_in_window"]);
        Assert.Equal(48, record.Metrics["llama_server_prompt_tokens_reported_in_window"]);
        Assert.DoesNotContain(record.Warnings, w => w.Code == "prompt-cache");
    }

    [Fact]
    public void Prompts_served_from_the_server_s_cache_in_the_window_are_counted_and_warned_about()
    {
        // the warm-up sends the workload's first prompts, which the window then sends again
        var record = RunLlamaServer("cached", cachePrompt: true);

        Assert.Equal("{\"cache_prompt\":true}", record.Environment["backend"]?["llama_server_request_fields"]?.GetValue<string>());
        // at least the two warm-up prompts, each all but its last token (which is always evaluated)
        var cachedRequests = record.Metrics["llama_server_requests_prompt_cached_in_window"];
        Assert.InRange(cachedRequests, 2, 4);
        Assert.InRange(record.Metrics["llama_server_prompt_tokens_cached_in_window"], 2 * 11, 4 * 11);
        Assert.Equal(cachedRequests, record.Requests!.Count(r => r.Facts?.GetValueOrDefault("llama_server_cached_prompt_tokens") > 0));
        var warning = Assert.Single(record.Warnings, w => w.Code == "prompt-cache");
        Assert.Contains($"{cachedRequests:0} request(s) of the window had prompt tokens served from llama.cpp llama-server's prompt cache", warning.Message);
        Assert.Contains("set llama_server.cache_prompt = false (lem's default)", warning.Remedy);
    }

    public void Dispose() => Directory.Delete(_results, recursive: true);
}
