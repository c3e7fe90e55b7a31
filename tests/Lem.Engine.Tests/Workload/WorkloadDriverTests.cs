using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Metrics;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Tests.Workload;

public class WorkloadDriverTests
{
    private static readonly GenerationSettings FourTokens = new(MaxNewTokens: 4);

    [Fact]
    public void Without_traffic_batches_run_back_to_back_and_every_request_arrives_at_zero()
    {
        var model = new FakeModel(TimeSpan.FromMilliseconds(2), _ => 4);
        var prompts = TestPrompts.WithLengths(3, 5, 2, 7, 1);

        var run = WorkloadDriver.Run(model, prompts, FourTokens, new BatchingOptions(BatchingStrategy.Static, 2), TrafficOptions.None);

        Assert.Equal([2, 2, 1], model.BatchSizes);
        Assert.Equal([0, 1, 2, 3, 4], run.Requests.Select(r => r.RequestIndex));
        Assert.All(run.Requests, r => Assert.Equal(0, r.ArrivalS));
        Assert.All(run.Requests, r => Assert.Equal(4, r.OutputTokens));
        Assert.All(run.Requests, r => Assert.Equal(4, r.TokenTimesS.Length));
        Assert.All(run.Requests, r => Assert.Equal(r.TokenTimesS[0], r.FirstTokenS));
        Assert.All(run.Requests, r => Assert.Equal(r.TokenTimesS[^1], r.EndS));
        Assert.All(run.Requests, r => Assert.True(r.StartS < r.FirstTokenS));
        Assert.Equal([0, 0, 1, 1, 2], run.Requests.Select(r => r.BatchIndex));
        Assert.True(run.Batches[1].StartS >= run.Batches[0].EndS);
        Assert.True(run.Requests[4].StartS > run.Requests[0].StartS);
        Assert.Equal(20, run.OutputTokens);
        Assert.Equal(18, run.PromptTokens);
        Assert.Equal(2 * 5 + 2 * 7 + 1, run.PaddedPromptTokens);
        Assert.Equal(run.Batches[^1].EndS, run.DurationS, 9);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void Sorted_batches_run_in_sorted_order_but_requests_come_back_in_prompt_order()
    {
        var model = new FakeModel(TimeSpan.FromMilliseconds(1), length => length);
        var run = WorkloadDriver.Run(model, TestPrompts.WithLengths(1, 3, 2), new GenerationSettings(10),
            new BatchingOptions(BatchingStrategy.SortedStatic, 1), TrafficOptions.None);

        Assert.Equal([0, 1, 2], run.Requests.Select(r => r.RequestIndex));
        Assert.Equal([2, 0, 1], run.Requests.Select(r => r.BatchIndex));
        Assert.Equal([1, 3, 2], run.Requests.Select(r => r.OutputTokens));
    }

    [Fact]
    public void Token_counts_come_from_the_returned_ids_and_finished_rows_stop_getting_timestamps()
    {
        var model = new FakeModel(TimeSpan.FromMilliseconds(1), length => length);
        var run = WorkloadDriver.Run(model, TestPrompts.WithLengths(2, 6), new GenerationSettings(10),
            new BatchingOptions(BatchingStrategy.Static, 2), TrafficOptions.None);

        Assert.Equal([2, 6], run.Requests.Select(r => r.OutputTokens));
        Assert.Equal([2, 6], run.Requests.Select(r => r.TokenTimesS.Length));
        Assert.True(run.Requests[0].EndS < run.Requests[1].EndS);
    }

    [Fact]
    public void Requests_never_start_before_they_arrive()
    {
        var model = new FakeModel(TimeSpan.FromMilliseconds(1), _ => 2);
        var run = WorkloadDriver.Run(model, TestPrompts.WithLengths(Enumerable.Repeat(4, 12).ToArray()), FourTokens,
            new BatchingOptions(BatchingStrategy.Static, 4), new TrafficOptions(TrafficMode.Constant, Qps: 200));

        Assert.Equal(ArrivalSchedule.Generate(new TrafficOptions(TrafficMode.Constant, Qps: 200), 12), run.Requests.Select(r => r.ArrivalS));
        Assert.All(run.Requests, r => Assert.True(r.StartS >= r.ArrivalS, $"request {r.RequestIndex} started at {r.StartS} before its arrival {r.ArrivalS}"));
    }

    [Fact]
    public void The_scheduler_waits_up_to_max_wait_to_fill_a_batch()
    {
        // arrivals every 10 ms; with 50 ms of patience the first batch waits for the 4th arrival at 30 ms
        var traffic = new TrafficOptions(TrafficMode.Constant, Qps: 100, MaxWait: TimeSpan.FromMilliseconds(50));
        var patient = new FakeModel(TimeSpan.FromMilliseconds(1), _ => 1);
        WorkloadDriver.Run(patient, TestPrompts.WithLengths(2, 2, 2, 2, 2, 2, 2, 2), FourTokens, new BatchingOptions(BatchingStrategy.Static, 4), traffic);
        Assert.Equal([4, 4], patient.BatchSizes);

        var eager = new FakeModel(TimeSpan.FromMilliseconds(1), _ => 1);
        // without patience the first request goes alone (the next arrives 100 ms later)
        WorkloadDriver.Run(eager, TestPrompts.WithLengths(2, 2), FourTokens, new BatchingOptions(BatchingStrategy.Static, 4), traffic with { Qps = 10, MaxWait = TimeSpan.Zero });
        Assert.Equal([1, 1], eager.BatchSizes);
    }

    [Fact]
    public void Dynamic_budget_holds_under_traffic()
    {
        var model = new FakeModel(TimeSpan.FromMilliseconds(1), _ => 1);
        var traffic = new TrafficOptions(TrafficMode.Constant, Qps: 1000, MaxWait: TimeSpan.FromMilliseconds(30));
        var run = WorkloadDriver.Run(model, TestPrompts.WithLengths(Enumerable.Repeat(10, 12).ToArray()), FourTokens,
            new BatchingOptions(BatchingStrategy.Dynamic, 8, MaxTokensPerBatch: 30), traffic);

        Assert.All(run.Batches, b => Assert.True(b.PaddedPromptTokens <= 30));
        Assert.Equal(12, run.Requests.Count);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void Sorting_under_traffic_is_reported_as_having_no_effect()
    {
        var run = WorkloadDriver.Run(new FakeModel(TimeSpan.FromMilliseconds(1), _ => 1), TestPrompts.WithLengths(3, 1), FourTokens,
            new BatchingOptions(BatchingStrategy.SortedStatic, 2), new TrafficOptions(TrafficMode.Constant, Qps: 1000));
        Assert.Contains(run.Warnings, w => w.Contains("sorting had no effect"));
    }

    [Fact]
    public void Poisson_traffic_above_capacity_makes_queue_time_grow()
    {
        // capacity: one request per 4 × 5 ms = 20 ms (50 requests/s); offered: 500 requests/s
        var model = new FakeModel(TimeSpan.FromMilliseconds(5), _ => 4);
        var run = WorkloadDriver.Run(model, TestPrompts.WithLengths(Enumerable.Repeat(8, 20).ToArray()), FourTokens,
            new BatchingOptions(BatchingStrategy.Static, 1), new TrafficOptions(TrafficMode.Poisson, Qps: 500, Seed: 1));

        var queueMs = run.Requests.Select(r => RequestLatencies.Of(r).QueueTimeMs).ToArray();
        var firstQuarter = queueMs.Take(5).Average();
        var lastQuarter = queueMs.TakeLast(5).Average();
        Assert.True(lastQuarter > firstQuarter + 150, $"queue time did not grow: first {firstQuarter:F1} ms, last {lastQuarter:F1} ms");
        Assert.True(queueMs[^1] > queueMs[0]);
        var metrics = WorkloadMetricsCalculator.Compute(run);
        Assert.True(metrics.RequestsPerS < 100, $"served {metrics.RequestsPerS:F1} requests/s, above the fake's capacity");
    }

    [Fact]
    public void A_backend_without_token_times_gets_ttft_from_prefill_and_a_warning()
    {
        var model = new FakeModel(TimeSpan.FromMilliseconds(1), _ => 3, reportTokens: false);
        var run = WorkloadDriver.Run(model, TestPrompts.WithLengths(2, 2), FourTokens, new BatchingOptions(BatchingStrategy.Static, 2), TrafficOptions.None);

        Assert.All(run.Requests, r => Assert.Empty(r.TokenTimesS));
        Assert.All(run.Requests, r => Assert.Equal(r.StartS + run.Batches[0].PrefillSeconds, r.FirstTokenS!.Value, 9));
        Assert.All(run.Requests, r => Assert.Equal(run.Batches[0].EndS, r.EndS));
        Assert.Contains(run.Warnings, w => w.Contains("without per-token timestamps"));
    }

    [Fact]
    public void A_backend_returning_the_wrong_number_of_rows_is_an_error()
    {
        var model = new FakeModel(TimeSpan.Zero, _ => 1, rowsReturnedDelta: -1);
        var e = Assert.Throws<WorkloadException>(() =>
            WorkloadDriver.Run(model, TestPrompts.WithLengths(2, 2), FourTokens, new BatchingOptions(BatchingStrategy.Static, 2), TrafficOptions.None));
        Assert.Contains("1 outputs for a batch of 2", e.Message);
    }

    [Fact]
    public void Times_count_from_a_given_window_start()
    {
        var windowStart = System.Diagnostics.Stopwatch.GetTimestamp();
        Thread.Sleep(30);
        var run = WorkloadDriver.Run(new FakeModel(TimeSpan.FromMilliseconds(1), _ => 1), TestPrompts.WithLengths(1), FourTokens,
            new BatchingOptions(BatchingStrategy.Static, 1), TrafficOptions.None, windowStart);

        Assert.True(run.Requests[0].StartS >= 0.029);
        Assert.Equal(windowStart, run.WindowStartTicks);
    }
}
