using Lem.Engine.Config;
using System.Diagnostics;
using Lem.Engine.Inference;
using Lem.Engine.Meters;
using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Prompts;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Workload;

/// <summary>
/// The batch execution shape: runs the measured workload against a model that generates whole batches
/// (<see cref="IBatchModel"/>) and records every request and batch.
/// Without traffic, the batching strategy's batches run back to back and every request arrives at t = 0.
/// With traffic, requests arrive on a schedule drawn in advance (open loop: arrivals do not wait for the engine);
/// whenever the engine is free, the scheduler takes the requests that have arrived, in arrival order, up to
/// batch_size (and, for dynamic strategies, within max_tokens_per_batch), waiting at most max_wait after the first
/// waiting request's arrival for more, and runs them as one batch. Sorting does not apply under traffic.
/// </summary>
public static class BatchDriver
{
    /// <param name="windowStartTicks">
    /// <see cref="Stopwatch.GetTimestamp"/> at the start of the measurement window (time zero of every record);
    /// null starts the clock when this call begins.
    /// </param>
    /// <param name="plan">The batch plan of <paramref name="prompts"/>, made before the window (without traffic it is
    /// what runs); null: planned here.</param>
    /// <param name="arrivalsS">Arrival times drawn before the window (<see cref="ArrivalSchedule"/>); null: drawn here.</param>
    /// <param name="clock">Where time comes from and how waiting for an arrival happens; null: the system clock. Token
    /// times are the backend's, in the same <see cref="Stopwatch"/> ticks.</param>
    /// <param name="completed">Called with each request's record as its batch completes (what a failed run keeps).</param>
    public static WorkloadRun Run(
        IBatchModel model,
        IReadOnlyList<Prompt> prompts,
        GenerationSettings settings,
        BatchingConfig batching,
        TrafficConfig traffic,
        long? windowStartTicks = null,
        CancellationToken cancellation = default,
        BatchPlan? plan = null,
        double[]? arrivalsS = null,
        MeterClock? clock = null,
        Action<double>? mark = null,
        Action<RequestRecord>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (prompts.Count == 0) throw new WorkloadException("prompts: the prompt set is empty; a measured run needs at least one prompt.", "prompts");
        clock ??= MeterClock.System;
        var run = new RunState(model, settings, windowStartTicks ?? clock.NowTicks, clock, mark, cancellation, completed);
        if (traffic.Mode == TrafficMode.None)
        {
            foreach (var batch in (plan ?? Batcher.Plan(prompts, batching)).Batches)
            {
                cancellation.ThrowIfCancellationRequested();
                run.RunBatch(batch.Prompts, new double[batch.Rows]);
            }
        }
        else
        {
            RunWithTraffic(run, prompts, batching, traffic, arrivalsS ?? ArrivalSchedule.Generate(traffic, prompts.Count), cancellation);
        }
        return run.Finish();
    }

    private static void RunWithTraffic(RunState run, IReadOnlyList<Prompt> prompts, BatchingConfig batching, TrafficConfig traffic, double[] arrivals,
        CancellationToken cancellation)
    {
        if (batching.BatchSize < 1)
            throw new WorkloadException($"batching.batch_size = {batching.BatchSize}: it must be at least 1.", "batching.batch_size");
        foreach (var prompt in prompts) Batcher.CheckFitsAlone(prompt, batching);
        if (batching.IsSorted)
            run.Warnings.Add($"batching.strategy = {ConfigWords.Of(batching.Strategy)}: under traffic requests are served in arrival order, so the sorting had no effect.");
        // the schedule in ticks once, so that waiting and "has it arrived?" agree to the tick
        var arrivalTicks = arrivals.Select(run.TicksOf).ToArray();
        var maxWaitTicks = (long)Math.Round(traffic.MaxWait.TotalSeconds * Stopwatch.Frequency);
        var next = 0;
        while (next < prompts.Count)
        {
            cancellation.ThrowIfCancellationRequested();
            run.WaitUntil(arrivalTicks[next], cancellation);
            var lastWanted = Math.Min(prompts.Count - 1, next + batching.BatchSize - 1);
            run.WaitUntil(Math.Min(arrivalTicks[next] + maxWaitTicks, arrivalTicks[lastWanted]), cancellation);

            var now = run.NowTicks;
            var taken = new List<Prompt>();
            var takenArrivals = new List<double>();
            var longest = 0;
            while (next < prompts.Count && arrivalTicks[next] <= now && Batcher.Fits(taken.Count, longest, prompts[next], batching))
            {
                taken.Add(prompts[next]);
                takenArrivals.Add(arrivals[next]);
                longest = Math.Max(longest, prompts[next].TokenCount);
                next++;
            }
            run.RunBatch(taken, takenArrivals.ToArray());
        }
    }

    /// <param name="mark">Called with the window time at each batch's start, its first tokens on the host and its end
    /// (host meters take a reading there: the host prefill/decode split).</param>
    private sealed class RunState(IBatchModel model, GenerationSettings settings, long windowStartTicks, MeterClock clock, Action<double>? mark,
        CancellationToken cancellation, Action<RequestRecord>? completed)
    {
        private readonly List<RequestRecord> _requests = [];
        private readonly List<BatchRecord> _batches = [];

        public List<string> Warnings { get; } = [];
        private int _mismatchedRequests;
        private int _batchesWithoutTokenTimes;
        private long? _lastEndTicks;

        public long NowTicks => clock.NowTicks;

        /// <summary>The tick of a time given in seconds from the window start.</summary>
        public long TicksOf(double seconds) => windowStartTicks + (long)Math.Round(seconds * Stopwatch.Frequency);

        private double SecondsOf(long ticks) => (double)(ticks - windowStartTicks) / Stopwatch.Frequency;

        public void WaitUntil(long ticks, CancellationToken cancellation) => clock.SleepUntil(ticks, cancellation);

        public void RunBatch(IReadOnlyList<Prompt> prompts, double[] arrivalsS)
        {
            var recorder = new TokenTimeRecorder(prompts.Count, mark is null ? null : ticks => mark(SecondsOf(ticks)), cancellation);
            var ids = prompts.Select(p => p.TokenIds).ToArray();
            var startTicks = clock.NowTicks;
            mark?.Invoke(SecondsOf(startTicks));
            var generation = model.Generate(ids, settings, recorder);
            var endTicks = clock.NowTicks;
            mark?.Invoke(SecondsOf(endTicks));
            if (generation.OutputTokenIds.Count != prompts.Count)
                throw new WorkloadException(
                    $"the backend returned {generation.OutputTokenIds.Count} outputs for a batch of {prompts.Count} prompts. This is a backend fault; report it with the model and settings.");

            var batchIndex = _batches.Count;
            var startS = SecondsOf(startTicks);
            var endS = SecondsOf(endTicks);
            if (!recorder.AnyTokens && generation.OutputTokens > 0) _batchesWithoutTokenTimes++;
            for (var row = 0; row < prompts.Count; row++)
            {
                var outputTokens = generation.OutputTokenIds[row].Length;
                var times = recorder.TicksOf(row).Select(SecondsOf).ToArray();
                if (recorder.AnyTokens && times.Length != outputTokens) _mismatchedRequests++;
                double? firstTokenS = times.Length > 0 ? times[0]
                    : outputTokens > 0 ? startS + generation.PrefillSeconds
                    : null;
                var requestEndS = times.Length > 0 ? times[^1] : endS;
                var record = new RequestRecord(prompts[row].Index, batchIndex, row, prompts[row].TokenCount, outputTokens,
                    arrivalsS[row], startS, firstTokenS, requestEndS, times);
                _requests.Add(record);
                completed?.Invoke(record);
            }
            _batches.Add(new BatchRecord(batchIndex, prompts.Count, generation.PromptTokens, generation.PaddedPromptTokens, generation.OutputTokens,
                startS, endS, generation.PrefillSeconds, generation.DecodeSeconds, generation.TracedFlops));
            _lastEndTicks = endTicks;
        }

        public WorkloadRun Finish()
        {
            var warnings = new List<string>(Warnings);
            if (_batchesWithoutTokenTimes > 0)
                warnings.Add($"{_batchesWithoutTokenTimes} batches came without per-token timestamps from the backend: their TTFT comes from the prefill time and they add nothing to ITL.");
            if (_mismatchedRequests > 0)
                warnings.Add($"for {_mismatchedRequests} requests the backend reported a different number of tokens to the observer than it returned: token counts use the returned ids, ITL the observed times.");
            var requests = _requests.OrderBy(r => r.RequestIndex).ToArray();
            return new WorkloadRun(requests, _batches.ToArray(), SecondsOf(_lastEndTicks ?? windowStartTicks), windowStartTicks, warnings);
        }
    }
}
