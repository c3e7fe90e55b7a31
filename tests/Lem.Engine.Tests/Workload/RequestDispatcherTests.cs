using System.Diagnostics;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Metrics;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Tests.Workload;

/// <summary>
/// The request execution shape on a manual clock: the scripted server's first chunk comes 20 ms after a request is
/// sent, then one every 5 ms; so a request of 4 tokens takes 35 ms, and every figure below is exact.
/// </summary>
public class RequestDispatcherTests
{
    private static readonly GenerationSettings FourTokens = new(MaxNewTokens: 4);
    private static readonly double[] FourTokenTimes = [0.020, 0.025, 0.030, 0.035];

    private static WorkloadRun Run(ScriptedServer server, ManualClock clock, int prompts, TrafficConfig traffic, GenerationSettings? settings = null)
    {
        var start = clock.NowTicks;
        return clock.WaitFor(RequestDispatcher.RunAsync(server, TestPrompts.WithLengths(Enumerable.Repeat(8, prompts).ToArray()), settings ?? FourTokens,
            traffic, start, clock: clock));
    }

    private static double[] SentS(ScriptedServer server, long start) =>
        server.Sent.OrderBy(s => s.Index).Select(s => Math.Round((double)(s.SentTicks - start) / Stopwatch.Frequency, 9)).ToArray();

    [Fact]
    public void Without_traffic_every_request_is_sent_at_once_and_streams_on_its_own()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock);
        var start = clock.NowTicks;

        var run = Run(server, clock, 5, TrafficConfig.None);

        Assert.Equal([0.0, 0.0, 0.0, 0.0, 0.0], SentS(server, start));
        Assert.Equal(5, server.MostInFlight);
        Assert.Empty(run.Batches);
        Assert.All(run.Requests, r => Assert.Null(r.BatchIndex));
        Assert.All(run.Requests, r => Assert.Equal(FourTokenTimes, r.TokenTimesS.Select(t => Math.Round(t, 9))));
        Assert.All(run.Requests, r => Assert.Equal((0.020, 0.035), (Math.Round(r.FirstTokenS!.Value, 9), Math.Round(r.EndS, 9))));
        Assert.Equal(20, run.OutputTokens);
        Assert.Equal(40, run.PaddedPromptTokens); // no batches, no padding
        Assert.Null(run.PaddingRatio);
        Assert.Null(run.EffectiveBatchSize);
        Assert.Equal(0.035, run.DurationS, 9);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void A_concurrency_cap_holds_arrivals_until_a_slot_frees_and_records_their_queue_time()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock);
        var start = clock.NowTicks;

        var run = Run(server, clock, 5, TrafficConfig.None with { MaxConcurrency = 2 });

        Assert.Equal(2, server.MostInFlight);
        Assert.Equal([0.0, 0.0, 0.035, 0.035, 0.070], SentS(server, start));
        var queueMs = run.Requests.Select(r => Math.Round(RequestLatencies.Of(r).QueueTimeMs, 6));
        Assert.Equal([0.0, 0.0, 35.0, 35.0, 70.0], queueMs);
        // TTFT counts from arrival (t = 0), so the queue is part of it
        Assert.Equal([20.0, 20.0, 55.0, 55.0, 90.0], run.Requests.Select(r => Math.Round(RequestLatencies.Of(r).TtftMs!.Value, 6)));
    }

    [Fact]
    public void The_closed_loop_keeps_exactly_the_concurrency_in_flight()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock);
        var start = clock.NowTicks;

        var run = Run(server, clock, 7, new TrafficConfig(TrafficMode.Concurrent, Concurrency: 3));

        Assert.Equal(3, server.MostInFlight);
        Assert.Equal([0.0, 0.0, 0.0, 0.035, 0.035, 0.035, 0.070], SentS(server, start));
        // in a closed loop a request arrives when it is sent: no queue time
        Assert.All(run.Requests, r => Assert.Equal(r.ArrivalS, r.StartS, 9));
        Assert.Equal(0.105, run.DurationS, 9);
    }

    [Fact]
    public void Open_loop_arrivals_are_sent_on_their_schedule_whatever_is_in_flight()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock);
        var start = clock.NowTicks;
        var traffic = new TrafficConfig(TrafficMode.Constant, Qps: 100); // one every 10 ms, each in flight 35 ms

        var run = Run(server, clock, 6, traffic);

        Assert.Equal(ArrivalSchedule.Generate(traffic, 6).Select(t => Math.Round(t, 9)), SentS(server, start));
        Assert.Equal(4, server.MostInFlight);
        Assert.All(run.Requests, r => Assert.Equal(0, RequestLatencies.Of(r).QueueTimeMs, 6));
    }

    [Fact]
    public void Failed_requests_are_kept_with_their_error_and_counted_in_no_figure()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock) { FailingRequests = [1, 3] };

        var run = Run(server, clock, 4, TrafficConfig.None);

        Assert.Equal(2, run.FailedRequests);
        Assert.Equal(["HTTP 500 Internal Server Error", "HTTP 500 Internal Server Error"], run.Requests.Where(r => !r.Succeeded).Select(r => r.Error));
        Assert.Equal(8, run.OutputTokens); // the two that succeeded
        var metrics = WorkloadMetricsCalculator.Compute(run);
        Assert.Equal(2, metrics.Requests);
        Assert.Equal(2, metrics.TtftMs!.Count);
        Assert.Contains(run.Warnings, w => w.StartsWith("2 of 4 requests failed (HTTP 500", StringComparison.Ordinal));
    }

    [Fact]
    public void Multi_token_chunks_are_spread_evenly_between_arrivals_and_say_so()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock, chunkTokens: 2);

        var run = Run(server, clock, 1, TrafficConfig.None, new GenerationSettings(MaxNewTokens: 6));

        // chunks at 20, 25, 30 ms with 2 tokens each: the first chunk's tokens arrive with it, later ones evenly before theirs
        var request = Assert.Single(run.Requests);
        Assert.Equal([0.020, 0.020, 0.0225, 0.025, 0.0275, 0.030], request.TokenTimesS.Select(t => Math.Round(t, 9)));
        Assert.True(request.TokenTimesSpread);
        Assert.Contains(run.Warnings, w => w.Contains("carried other than one token each") && w.Contains("ITL of multi-token chunks"));
        // the second token came in the first chunk: no gap of 0 ms; each later chunk's 5 ms is shared by its two tokens
        Assert.Equal(2, request.FirstChunkTokens);
        Assert.Equal([2.5, 2.5, 2.5, 2.5], InterTokenLatency.GapsMs(request).Select(g => Math.Round(g, 6)));
        Assert.Equal([2.5, 2.5], InterTokenLatency.TrimmedGapsMs(request).Select(g => Math.Round(g, 6)));
    }

    [Fact]
    public void Without_chunk_counts_the_usage_total_is_spread_over_the_chunks()
    {
        var clock = new ManualClock();
        var server = new ScriptedServer(clock, chunkTokens: 2) { UnknownChunkCounts = true };

        var run = Run(server, clock, 1, TrafficConfig.None, new GenerationSettings(MaxNewTokens: 6));

        var request = Assert.Single(run.Requests);
        Assert.Equal(6, request.OutputTokens); // from the usage report
        Assert.Equal([0.020, 0.020, 0.0225, 0.025, 0.0275, 0.030], request.TokenTimesS.Select(t => Math.Round(t, 9)));
        Assert.True(request.TokenTimesSpread);
    }

    [Fact]
    public void A_request_without_a_token_count_counts_as_a_request_but_in_no_token_figure()
    {
        var clock = new ManualClock();
        // two-token chunks without counts, and no usage for request 1: its tokens are unknown, never guessed from chunks
        var server = new ScriptedServer(clock, chunkTokens: 2) { UnknownChunkCounts = true, WithoutUsage = [1] };

        var run = Run(server, clock, 3, TrafficConfig.None, new GenerationSettings(MaxNewTokens: 6));

        var unknown = run.Requests[1];
        Assert.True(unknown.Succeeded);
        Assert.True(unknown.OutputTokensUnknown);
        Assert.Equal(0, unknown.OutputTokens);
        Assert.Empty(unknown.TokenTimesS);
        Assert.Equal((0.020, 0.030), (Math.Round(unknown.FirstTokenS!.Value, 9), Math.Round(unknown.EndS, 9))); // first and last chunk
        Assert.Equal(12, run.OutputTokens); // the other two requests' usage
        var metrics = WorkloadMetricsCalculator.Compute(run);
        Assert.Equal(3, metrics.Requests);
        Assert.Equal(12, metrics.OutputTokens);
        Assert.Equal(3, metrics.TtftMs!.Count);
        Assert.Equal(2, metrics.TpotMs!.Count);
        Assert.Contains(run.Warnings, w => w.StartsWith("1 of 3 requests got no token count", StringComparison.Ordinal) && w.Contains("output_tokens_unknown"));
        Assert.All(new[] { run.Requests[0], run.Requests[2] }, r => Assert.False(r.OutputTokensUnknown));
    }

    [Fact]
    public void One_token_per_chunk_is_observed_not_spread()
    {
        var clock = new ManualClock();
        var run = Run(new ScriptedServer(clock) { UnknownChunkCounts = true }, clock, 1, TrafficConfig.None);
        Assert.False(Assert.Single(run.Requests).TokenTimesSpread);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void A_cap_below_one_is_refused()
    {
        var clock = new ManualClock();
        var e = Assert.Throws<WorkloadException>(() => Run(new ScriptedServer(clock), clock, 1, new TrafficConfig(TrafficMode.Concurrent, Concurrency: 0)));
        Assert.Contains("traffic.concurrency = 0", e.Message);
    }
}
