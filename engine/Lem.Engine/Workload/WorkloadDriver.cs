using Lem.Engine.Config;
using System.Diagnostics;
using Lem.Engine.Inference;
using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Prompts;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Workload;

/// <summary>
/// Runs the measured workload against a loaded model and records every request and batch.
/// Without traffic, the batching strategy's batches run back to back and every request arrives at t = 0.
/// With traffic, requests arrive on a schedule drawn in advance (open loop: arrivals do not wait for the engine);
/// whenever the engine is free, the scheduler takes the requests that have arrived, in arrival order, up to
/// batch_size (and, for dynamic strategies, within max_tokens_per_batch), waiting at most max_wait after the first
/// waiting request's arrival for more, and runs them as one batch. Sorting does not apply under traffic.
/// </summary>
public static class WorkloadDriver
{
    /// <param name="windowStartTicks">
    /// <see cref="Stopwatch.GetTimestamp"/> at the start of the measurement window (time zero of every record);
    /// null starts the clock when this call begins.
    /// </param>
    /// <param name="plan">The batch plan of <paramref name="prompts"/>, made before the window (without traffic it is
    /// what runs); null: planned here.</param>
    public static WorkloadRun Run(
        IBatchModel model,
        IReadOnlyList<Prompt> prompts,
        GenerationSettings settings,
        BatchingOptions batching,
        TrafficOptions traffic,
        long? windowStartTicks = null,
        CancellationToken cancellation = default,
        BatchPlan? plan = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (prompts.Count == 0) throw new WorkloadException("prompts: the prompt set is empty; a measured run needs at least one prompt.", "prompts");
        var run = new RunState(model, settings, windowStartTicks ?? Stopwatch.GetTimestamp());
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
            RunWithTraffic(run, prompts, batching, traffic, cancellation);
        }
        return run.Finish();
    }

    private static void RunWithTraffic(RunState run, IReadOnlyList<Prompt> prompts, BatchingOptions batching, TrafficOptions traffic, CancellationToken cancellation)
    {
        if (batching.BatchSize < 1)
            throw new WorkloadException($"batching.batch_size = {batching.BatchSize}: it must be at least 1.", "batching.batch_size");
        foreach (var prompt in prompts) Batcher.CheckFitsAlone(prompt, batching);
        if (batching.IsSorted)
            run.Warnings.Add($"batching.strategy = {ConfigWords.Of(batching.Strategy)}: under traffic requests are served in arrival order, so the sorting had no effect.");
        var arrivals = ArrivalSchedule.Generate(traffic, prompts.Count);
        var maxWaitS = traffic.MaxWait.TotalSeconds;
        var next = 0;
        while (next < prompts.Count)
        {
            cancellation.ThrowIfCancellationRequested();
            run.WaitUntil(arrivals[next], cancellation);
            var lastWanted = Math.Min(prompts.Count - 1, next + batching.BatchSize - 1);
            run.WaitUntil(Math.Min(arrivals[next] + maxWaitS, arrivals[lastWanted]), cancellation);

            var now = run.ElapsedS();
            var taken = new List<Prompt>();
            var takenArrivals = new List<double>();
            var longest = 0;
            while (next < prompts.Count && arrivals[next] <= now && Batcher.Fits(taken.Count, longest, prompts[next], batching))
            {
                taken.Add(prompts[next]);
                takenArrivals.Add(arrivals[next]);
                longest = Math.Max(longest, prompts[next].TokenCount);
                next++;
            }
            run.RunBatch(taken, takenArrivals.ToArray());
        }
    }

    private sealed class RunState(IBatchModel model, GenerationSettings settings, long windowStartTicks)
    {
        private readonly List<RequestRecord> _requests = [];
        private readonly List<BatchRecord> _batches = [];

        public List<string> Warnings { get; } = [];
        private int _mismatchedRequests;
        private int _batchesWithoutTokenTimes;
        private long? _lastEndTicks;

        public double ElapsedS() => SecondsOf(Stopwatch.GetTimestamp());

        private double SecondsOf(long ticks) => (double)(ticks - windowStartTicks) / Stopwatch.Frequency;

        /// <summary>Waits until <paramref name="targetS"/> seconds after the window start: sleeps, then spins the last 2 ms.</summary>
        public void WaitUntil(double targetS, CancellationToken cancellation)
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                var remainingS = targetS - ElapsedS();
                if (remainingS <= 0) return;
                if (remainingS > 0.002) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(remainingS - 0.0015, 0.1)));
                else Thread.SpinWait(64);
            }
        }

        public void RunBatch(IReadOnlyList<Prompt> prompts, double[] arrivalsS)
        {
            var recorder = new TokenTimeRecorder(prompts.Count);
            var ids = prompts.Select(p => p.TokenIds).ToArray();
            var startTicks = Stopwatch.GetTimestamp();
            var generation = model.Generate(ids, settings, recorder);
            var endTicks = Stopwatch.GetTimestamp();
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
                _requests.Add(new RequestRecord(prompts[row].Index, batchIndex, row, prompts[row].TokenCount, outputTokens,
                    arrivalsS[row], startS, firstTokenS, requestEndS, times));
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
