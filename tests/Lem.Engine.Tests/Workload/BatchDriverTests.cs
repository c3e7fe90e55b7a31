using System.Diagnostics;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Metrics;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Tests.Workload;

/// <summary>The batch execution shape on a manual clock: every step of the fake model takes exactly its step time.</summary>
public class BatchDriverTests
{
    private static readonly GenerationSettings FourTokens = new(MaxNewTokens: 4);

    private static (FakeModel Model, ManualClock Clock) Fake(double stepMs, Func<int, int> outputTokens, bool reportTokens = true, int rowsReturnedDelta = 0)
    {
        var clock = new ManualClock();
        return (new FakeModel(TimeSpan.FromMilliseconds(stepMs), outputTokens, reportTokens, rowsReturnedDelta, clock), clock);
    }

    private static WorkloadRun Run(FakeModel model, ManualClock clock, IReadOnlyList<int> lengths, BatchingConfig batching, TrafficConfig? traffic = null,
        GenerationSettings? settings = null) =>
        BatchDriver.Run(model, TestPrompts.WithLengths(lengths.ToArray()), settings ?? FourTokens, batching, traffic ?? TrafficConfig.None, clock: clock);

    [Fact]
    public void A_stop_request_ends_the_batch_at_its_next_decode_step_and_no_other_batch_starts()
    {
        var (model, clock) = Fake(10, _ => 4);
        using var stop = new CancellationTokenSource();
        // the signal lands 15 ms in: during the second decode step of the first batch
        var signal = clock.StartLoop("signal", TimeSpan.FromMilliseconds(15), () => stop.Cancel());
        var start = clock.NowS;

        Assert.ThrowsAny<OperationCanceledException>(() => BatchDriver.Run(model, TestPrompts.WithLengths(3, 5, 2, 7), FourTokens,
            new BatchingConfig(BatchingStrategy.Static, 2), TrafficConfig.None, cancellation: stop.Token, clock: clock));

        signal.Stop();
        Assert.Equal([2], model.BatchSizes);
        Assert.Equal(0.020, clock.NowS - start, 9); // 2 of the batch's 4 steps ran
    }

    [Fact]
    public void Without_traffic_batches_run_back_to_back_and_every_request_arrives_at_zero()
    {
        var (model, clock) = Fake(2, _ => 4);

        var run = Run(model, clock, [3, 5, 2, 7, 1], new BatchingConfig(BatchingStrategy.Static, 2));

        Assert.Equal([2, 2, 1], model.BatchSizes);
        Assert.Equal([0, 1, 2, 3, 4], run.Requests.Select(r => r.RequestIndex));
        Assert.All(run.Requests, r => Assert.Equal(0, r.ArrivalS));
        Assert.All(run.Requests, r => Assert.Equal(4, r.OutputTokens));
        // each batch: 4 steps of 2 ms, the first token after the first step
        Assert.Equal([0.0, 0.0, 0.008, 0.008, 0.016], run.Requests.Select(r => Math.Round(r.StartS, 9)));
        Assert.Equal([0.002, 0.004, 0.006, 0.008], run.Requests[0].TokenTimesS.Select(t => Math.Round(t, 9)));
        Assert.All(run.Requests, r => Assert.Equal(r.TokenTimesS[0], r.FirstTokenS));
        Assert.All(run.Requests, r => Assert.Equal(r.TokenTimesS[^1], r.EndS));
        Assert.Equal([0, 0, 1, 1, 2], run.Requests.Select(r => r.BatchIndex));
        Assert.Equal(20, run.OutputTokens);
        Assert.Equal(18, run.PromptTokens);
        Assert.Equal(2 * 5 + 2 * 7 + 1, run.PaddedPromptTokens);
        Assert.Equal(0.024, run.DurationS, 9);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void Sorted_batches_run_in_sorted_order_but_requests_come_back_in_prompt_order()
    {
        var (model, clock) = Fake(1, length => length);
        var run = Run(model, clock, [1, 3, 2], new BatchingConfig(BatchingStrategy.SortedStatic, 1), settings: new GenerationSettings(10));

        Assert.Equal([0, 1, 2], run.Requests.Select(r => r.RequestIndex));
        Assert.Equal([2, 0, 1], run.Requests.Select(r => r.BatchIndex));
        Assert.Equal([1, 3, 2], run.Requests.Select(r => r.OutputTokens));
    }

    [Fact]
    public void Token_counts_come_from_the_returned_ids_and_finished_rows_stop_getting_timestamps()
    {
        var (model, clock) = Fake(1, length => length);
        var run = Run(model, clock, [2, 6], new BatchingConfig(BatchingStrategy.Static, 2), settings: new GenerationSettings(10));

        Assert.Equal([2, 6], run.Requests.Select(r => r.OutputTokens));
        Assert.Equal([2, 6], run.Requests.Select(r => r.TokenTimesS.Length));
        Assert.Equal((0.002, 0.006), (Math.Round(run.Requests[0].EndS, 9), Math.Round(run.Requests[1].EndS, 9)));
    }

    [Fact]
    public void Requests_start_when_they_arrive_and_never_before()
    {
        // 200 requests/s: one every 5 ms; a batch of 4 needs 2 ms (2 steps): the engine is free when each arrives
        var (model, clock) = Fake(1, _ => 2);
        var traffic = new TrafficConfig(TrafficMode.Constant, Qps: 200);
        var run = Run(model, clock, Enumerable.Repeat(4, 12).ToArray(), new BatchingConfig(BatchingStrategy.Static, 4), traffic);

        Assert.Equal(ArrivalSchedule.Generate(traffic, 12), run.Requests.Select(r => r.ArrivalS));
        Assert.All(run.Requests, r => Assert.Equal(Math.Round(r.ArrivalS, 9), Math.Round(r.StartS, 9)));
        Assert.All(model.BatchSizes, rows => Assert.Equal(1, rows));
    }

    [Fact]
    public void The_scheduler_waits_exactly_max_wait_to_fill_a_batch()
    {
        // arrivals every 10 ms; with 50 ms of patience the first batch waits for the 4th arrival, at 30 ms
        var traffic = new TrafficConfig(TrafficMode.Constant, Qps: 100, MaxWait: TimeSpan.FromMilliseconds(50));
        var (patient, clock) = Fake(1, _ => 1);
        var run = Run(patient, clock, [2, 2, 2, 2, 2, 2, 2, 2], new BatchingConfig(BatchingStrategy.Static, 4), traffic);
        Assert.Equal([4, 4], patient.BatchSizes);
        Assert.Equal(0.030, run.Batches[0].StartS, 9);
        Assert.Equal(0.070, run.Batches[1].StartS, 9);

        // a patience shorter than the gap: the batch starts when max_wait runs out, with what has arrived; the last
        // request does not wait, since no more can come
        var (impatient, shortClock) = Fake(1, _ => 1);
        var shortRun = Run(impatient, shortClock, [2, 2], new BatchingConfig(BatchingStrategy.Static, 4), traffic with { MaxWait = TimeSpan.FromMilliseconds(4) });
        Assert.Equal([1, 1], impatient.BatchSizes);
        Assert.Equal([0.004, 0.010], shortRun.Batches.Select(b => Math.Round(b.StartS, 9)));

        // without patience the first request goes alone (the next arrives 100 ms later)
        var (eager, eagerClock) = Fake(1, _ => 1);
        Run(eager, eagerClock, [2, 2], new BatchingConfig(BatchingStrategy.Static, 4), traffic with { Qps = 10, MaxWait = TimeSpan.Zero });
        Assert.Equal([1, 1], eager.BatchSizes);
    }

    [Fact]
    public void Dynamic_budget_holds_under_traffic()
    {
        var (model, clock) = Fake(1, _ => 1);
        var traffic = new TrafficConfig(TrafficMode.Constant, Qps: 1000, MaxWait: TimeSpan.FromMilliseconds(30));
        var run = Run(model, clock, Enumerable.Repeat(10, 12).ToArray(), new BatchingConfig(BatchingStrategy.Dynamic, 8, MaxTokensPerBatch: 30), traffic);

        Assert.All(run.Batches, b => Assert.Equal(30, b.PaddedPromptTokens));
        Assert.Equal([3, 3, 3, 3], model.BatchSizes);
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void Sorting_under_traffic_is_reported_as_having_no_effect()
    {
        var (model, clock) = Fake(1, _ => 1);
        var run = Run(model, clock, [3, 1], new BatchingConfig(BatchingStrategy.SortedStatic, 2), new TrafficConfig(TrafficMode.Constant, Qps: 1000));
        Assert.Contains(run.Warnings, w => w.Contains("sorting had no effect"));
    }

    [Fact]
    public void Traffic_above_capacity_makes_queue_time_grow_by_the_service_time_per_request()
    {
        // capacity: one request per 4 × 5 ms = 20 ms; offered: one every 2 ms. Request k waits for the k before it.
        var (model, clock) = Fake(5, _ => 4);
        var run = Run(model, clock, Enumerable.Repeat(8, 20).ToArray(), new BatchingConfig(BatchingStrategy.Static, 1), new TrafficConfig(TrafficMode.Constant, Qps: 500));

        var queueMs = run.Requests.Select(r => Math.Round(RequestLatencies.Of(r).QueueTimeMs, 6)).ToArray();
        Assert.Equal(Enumerable.Range(0, 20).Select(k => k * 20.0 - k * 2.0), queueMs);
        var metrics = WorkloadMetricsCalculator.Compute(run);
        Assert.Equal(20 / 0.400, metrics.RequestsPerS, 9); // the last ends at 400 ms
    }

    [Fact]
    public void A_backend_without_token_times_gets_ttft_from_prefill_and_a_warning()
    {
        var (model, clock) = Fake(1, _ => 3, reportTokens: false);
        var run = Run(model, clock, [2, 2], new BatchingConfig(BatchingStrategy.Static, 2));

        Assert.All(run.Requests, r => Assert.Empty(r.TokenTimesS));
        Assert.All(run.Requests, r => Assert.Equal(0.001, r.FirstTokenS!.Value, 9));
        Assert.All(run.Requests, r => Assert.Equal(run.Batches[0].EndS, r.EndS));
        Assert.Contains(run.Warnings, w => w.Contains("without per-token timestamps"));
    }

    [Fact]
    public void A_backend_returning_the_wrong_number_of_rows_is_an_error()
    {
        var (model, clock) = Fake(0, _ => 1, rowsReturnedDelta: -1);
        var e = Assert.Throws<WorkloadException>(() => Run(model, clock, [2, 2], new BatchingConfig(BatchingStrategy.Static, 2)));
        Assert.Contains("1 outputs for a batch of 2", e.Message);
    }

    [Fact]
    public void Times_count_from_a_given_window_start()
    {
        var (model, clock) = Fake(1, _ => 1);
        var windowStart = clock.NowTicks;
        clock.Advance(0.030);
        var run = BatchDriver.Run(model, TestPrompts.WithLengths(1), FourTokens, new BatchingConfig(BatchingStrategy.Static, 1), TrafficConfig.None, windowStart, clock: clock);

        Assert.Equal(0.030, run.Requests[0].StartS, 9);
        Assert.Equal(windowStart, run.WindowStartTicks);
    }
}
