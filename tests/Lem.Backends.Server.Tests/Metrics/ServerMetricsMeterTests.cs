using Lem.Backends.Server.Engines;
using Lem.Backends.Server.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Lem.Backends.Server.Tests.Metrics;

public class ServerMetricsMeterTests
{
    /// <summary>Answers scripted exposition texts in turn; a null entry fails that scrape.</summary>
    private sealed class ScriptedSource(params string?[] answers) : IMetricsSource
    {
        private int _next;
        public int Calls => _next;

        public string Scrape(TimeSpan timeout)
        {
            var answer = answers[Math.Min(_next++, answers.Length - 1)];
            return answer ?? throw new HttpRequestException("/metrics answered 501: Start it with `--metrics`");
        }
    }

    private static string Exposition(int running, int waiting, double kv, int hits, int queries, int preemptions) => $$"""
        vllm:num_requests_running{engine="0",model_name="m"} {{running}}
        vllm:num_requests_waiting{engine="0",model_name="m"} {{waiting}}
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} {{kv}}
        vllm:prefix_cache_hits_total{engine="0",model_name="m"} {{hits}}
        vllm:prefix_cache_queries_total{engine="0",model_name="m"} {{queries}}
        vllm:num_preemptions_total{engine="0",model_name="m"} {{preemptions}}
        """;

    [Fact]
    public void Gauges_give_series_mean_and_max_and_counters_their_change_over_the_window()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedSource(
            Exposition(0, 0, 0.0, 100, 1000, 7),   // window begin
            Exposition(4, 2, 0.5, 150, 1100, 7),   // +1 s
            Exposition(8, 0, 0.75, 250, 1300, 9),  // +2 s
            Exposition(0, 0, 0.25, 300, 1400, 9)); // window end
        using var meter = new ServerMetricsMeter(Vllm.Engine, source, TimeSpan.FromSeconds(1), time);

        meter.BeginWindow("measure");
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMilliseconds(500));
        meter.CaptureWindowEnd();
        var result = meter.EndWindow();

        Assert.Equal(4, source.Calls);
        // time-weighted: (0+4)/2·1 + (4+8)/2·1 + (8+0)/2·0.5 = 10 request-seconds over 2.5 s (the plain mean of scrapes is 3)
        Assert.Equal(4.0, result.Metrics["server_running_requests_mean"]);
        Assert.Equal(8.0, result.Metrics["server_running_requests_max"]);
        Assert.Equal(0.75, result.Metrics["server_kv_cache_usage_ratio_max"]);
        Assert.Equal(200.0, result.Metrics["server_prefix_cache_hits"]);
        Assert.Equal(400.0, result.Metrics["server_prefix_cache_queries"]);
        Assert.Equal(0.5, result.Metrics["server_prefix_cache_hit_ratio"]);
        Assert.Equal(2.0, result.Metrics["server_preemptions"]);
        Assert.Equal([0.0, 1.0, 2.0, 2.5], result.TimeSeries.Where(p => p.Series == "server_running_requests").Select(p => p.TimeS));
        Assert.Equal([0.0, 50.0, 150.0, 200.0], result.TimeSeries.Where(p => p.Series == "server_prefix_cache_hits").Select(p => p.Value));
        // prefix-cache hits in the window: the prompt-cache warning, with vLLM's setting that turns the cache off
        var warning = Assert.Single(result.WarningDetails!);
        Assert.Equal("prompt-cache", warning.Code);
        Assert.StartsWith("vLLM's prefix cache served 200 of the window's 400 prompt tokens (50%, from its /metrics)", warning.Cause);
        Assert.StartsWith("set vllm.enable_prefix_caching = false", warning.Remedy);
        Assert.Empty(result.Energy);
    }

    [Fact]
    public void Ratios_of_several_label_sets_are_averaged_and_counts_summed()
    {
        const string twoEngines = """
            vllm:num_requests_running{engine="0",model_name="m"} 3
            vllm:num_requests_running{engine="1",model_name="m"} 5
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.75
            vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.5
            """;
        var time = new FakeTimeProvider();
        using var meter = new ServerMetricsMeter(Vllm.Engine, new ScriptedSource(twoEngines), TimeSpan.FromSeconds(1), time);

        meter.BeginWindow("measure");
        time.Advance(TimeSpan.FromSeconds(1));
        var result = meter.EndWindow();

        Assert.Equal(0.625, result.Metrics["server_kv_cache_usage_ratio_max"]); // summed it would be 1.25, past a whole cache
        Assert.Equal(8.0, result.Metrics["server_running_requests_max"]);
    }

    [Fact]
    public void No_prefix_cache_hits_in_the_window_no_prompt_cache_warning_and_sglang_s_hit_rate_gives_one()
    {
        var time = new FakeTimeProvider();
        // hits before the window (an earlier run) but none in it
        using var vllm = new ServerMetricsMeter(Vllm.Engine, new ScriptedSource(Exposition(1, 0, 0.1, 500, 900, 0), Exposition(1, 0, 0.1, 500, 1300, 0)), TimeSpan.FromSeconds(10), time);
        vllm.BeginWindow("measure");
        var cold = vllm.EndWindow();
        Assert.Equal(0.0, cold.Metrics["server_prefix_cache_hit_ratio"]);
        Assert.DoesNotContain(cold.WarningDetails!, w => w.Code == "prompt-cache");

        // SGLang's hit rate is its last prefill batch's: a value left from before the window is not a hit in it
        using var before = new ServerMetricsMeter(Sglang.Engine, new ScriptedSource("sglang:cache_hit_rate{model_name=\"m\"} 0.9"), TimeSpan.FromSeconds(10), time);
        before.BeginWindow("measure");
        Assert.DoesNotContain(before.EndWindow().WarningDetails!, w => w.Code == "prompt-cache");
        using var sglang = new ServerMetricsMeter(Sglang.Engine, new ScriptedSource("sglang:cache_hit_rate{model_name=\"m\"} 0.0", "sglang:cache_hit_rate{model_name=\"m\"} 0.42"), TimeSpan.FromSeconds(10), time);
        sglang.BeginWindow("measure");
        var warm = sglang.EndWindow();
        var warning = Assert.Single(warm.WarningDetails!, w => w.Code == "prompt-cache");
        Assert.StartsWith("SGLang's prefix-cache hit rate reached 42% in the window (from its /metrics)", warning.Cause);
        Assert.StartsWith("set sglang.disable_radix_cache = true", warning.Remedy);
    }

    [Fact]
    public void Failed_scrapes_are_counted_and_warned_about_not_fatal()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedSource(Exposition(1, 0, 0.1, 0, 0, 0), null, Exposition(3, 0, 0.1, 0, 0, 0));
        using var meter = new ServerMetricsMeter(Vllm.Engine, source, TimeSpan.FromSeconds(1), time);

        meter.BeginWindow("measure");
        time.Advance(TimeSpan.FromSeconds(1));
        var result = meter.EndWindow();

        Assert.Equal(1.0, result.Metrics["server_metrics_failed_scrapes"]);
        Assert.Equal(2.0, result.Metrics["server_metrics_scrapes"]);
        Assert.Equal(2.0, result.Metrics["server_running_requests_mean"]);
        var warning = Assert.Single(result.WarningDetails!);
        Assert.Equal("server-metrics-scrape-failed", warning.Code);
        Assert.Contains("--metrics", warning.Cause);
    }

    [Fact]
    public void A_counter_that_goes_down_is_a_reset_and_is_not_reported()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedSource(Exposition(0, 0, 0, 500, 900, 3), Exposition(0, 0, 0, 10, 20, 0));
        using var meter = new ServerMetricsMeter(Vllm.Engine, source, TimeSpan.FromSeconds(10), time);

        meter.BeginWindow("measure");
        var result = meter.EndWindow();

        Assert.False(result.Metrics.ContainsKey("server_prefix_cache_hits"));
        Assert.Contains(result.WarningDetails!, w => w.Code == "server-counter-reset");
    }
}

