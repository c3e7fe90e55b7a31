using Lem.Engine.Metrics;
using Lem.Engine.Workload;

namespace Lem.Engine.Tests.Metrics;

public class WorkloadMetricsCalculatorTests
{
    private static RequestRecord Request(int index, double arrival, double start, int promptTokens, params double[] tokenTimes) =>
        new(index, index, 0, promptTokens, tokenTimes.Length, arrival, start, tokenTimes.Length > 0 ? tokenTimes[0] : null,
            tokenTimes.Length > 0 ? tokenTimes[^1] : start, tokenTimes);

    private static WorkloadRun Run(double durationS, params RequestRecord[] requests) =>
        new(requests,
            requests.Select(r => new BatchRecord(r.BatchIndex!.Value, 1, r.PromptTokens, r.PromptTokens + 2, r.OutputTokens, r.StartS, r.EndS, 0, 0, null)).ToArray(),
            durationS, 0, []);

    [Fact]
    public void Inter_token_gaps_and_their_trimmed_form_worked_example()
    {
        var a = Request(0, 0, 0, 4, 0.10, 0.20, 0.35, 0.45, 0.70);
        var b = Request(1, 0, 0, 4, 1.0, 1.5);

        Assert.Equal([100, 150, 100, 250], InterTokenLatency.GapsMs(a).Select(g => Math.Round(g, 9)));
        Assert.Equal([150, 100], InterTokenLatency.TrimmedGapsMs(a).Select(g => Math.Round(g, 9)));
        Assert.Equal([500], InterTokenLatency.GapsMs(b).Select(g => Math.Round(g, 9)));
        Assert.Empty(InterTokenLatency.TrimmedGapsMs(b));

        var metrics = WorkloadMetricsCalculator.Compute(Run(2, a, b));
        Assert.Equal(5, metrics.ItlMs!.Count);
        Assert.Equal(220, metrics.ItlMs.Mean, 9);
        Assert.Equal(150, metrics.ItlMs.P50, 9);
        Assert.Equal(2, metrics.ItlTrimmedMs!.Count);
        Assert.Equal(125, metrics.ItlTrimmedMs.Mean, 9);
    }

    [Fact]
    public void Request_latencies_worked_example()
    {
        // arrives at 1.0 s, starts at 1.5 s, tokens at 2.0, 2.1, 2.2, 2.5 s
        var latencies = RequestLatencies.Of(Request(0, 1.0, 1.5, 10, 2.0, 2.1, 2.2, 2.5));

        Assert.Equal(1000, latencies.TtftMs!.Value, 9);
        Assert.Equal(1500, latencies.E2eLatencyMs, 9);
        Assert.Equal(500, latencies.QueueTimeMs, 9);
        Assert.Equal(500.0 / 3, latencies.TpotMs!.Value, 9);
    }

    [Fact]
    public void Run_metrics_worked_example()
    {
        var run = Run(4.0,
            Request(0, 0.0, 0.0, 10, 0.5, 0.6, 0.7),      // ttft 500, e2e 700, tpot 100
            Request(1, 1.0, 1.2, 20, 1.4, 1.6, 1.8, 2.0),  // ttft 400, e2e 1000, tpot 200, queue 200
            Request(2, 2.0, 2.5, 30, 3.0));                // ttft 1000, one token: no TPOT

        var m = WorkloadMetricsCalculator.Compute(run, goodput: new GoodputTargets(TtftMs: 600, TpotMs: 150));

        Assert.Equal(3, m.Requests);
        Assert.Equal(60, m.PromptTokens);
        Assert.Equal(8, m.OutputTokens);
        Assert.Equal(4.0, m.WindowS);
        Assert.Equal(1900.0 / 3, m.TtftMs!.Mean, 9);
        Assert.Equal(500, m.TtftMs.P50, 9);
        Assert.Equal(2, m.TpotMs!.Count);
        Assert.Equal(150, m.TpotMs.Mean, 9);
        Assert.Equal(1, m.TpotExcludedRequests);
        Assert.Equal((700 + 1000 + 1000) / 3.0, m.E2eLatencyMs!.Mean, 9);
        Assert.Equal(700.0 / 3, m.QueueTimeMs!.Mean, 9);
        Assert.Equal(8 / 4.0, m.OutputTokensPerS, 12);
        Assert.Equal(68 / 4.0, m.TotalTokensPerS, 12);
        Assert.Equal(3 / 4.0, m.RequestsPerS, 12);
        // request 0 meets both targets; request 1 misses TPOT; request 2 misses TTFT
        Assert.Equal(1 / 4.0, m.GoodputRequestsPerS!.Value, 12);
        Assert.Equal(6.0 / 66, m.PaddingRatio!.Value, 12);
        Assert.Equal(1.0, m.EffectiveBatchSize);
        Assert.Equal(2.0, m.EnergyPerOutputTokenJ(16.0));
    }

    [Fact]
    public void A_single_token_request_is_judged_for_goodput_by_ttft_alone()
    {
        var run = Run(1.0, Request(0, 0, 0, 1, 0.1));
        Assert.Equal(1.0, WorkloadMetricsCalculator.Compute(run, goodput: new GoodputTargets(TtftMs: 200, TpotMs: 1)).GoodputRequestsPerS);
        Assert.Equal(0.0, WorkloadMetricsCalculator.Compute(run, goodput: new GoodputTargets(TtftMs: 50)).GoodputRequestsPerS);
    }

    [Fact]
    public void A_given_window_sets_the_rates_and_no_targets_means_no_goodput()
    {
        var m = WorkloadMetricsCalculator.Compute(Run(1.0, Request(0, 0, 0, 5, 0.1, 0.2)), windowS: 2.0);
        Assert.Equal(1.0, m.OutputTokensPerS, 12);
        Assert.Null(m.GoodputRequestsPerS);
    }

    [Fact]
    public void A_window_of_zero_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkloadMetricsCalculator.Compute(Run(0, Request(0, 0, 0, 1, 0))));
    }
}
