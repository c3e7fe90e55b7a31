using System.Diagnostics;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Meters;
using Lem.Engine.Workload.Prompts;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Workload;

/// <summary>
/// The request execution shape: sends each prompt as one request to a backend that batches on its side
/// (<see cref="IRequestModel"/>), as vLLM's benchmark does — open loop (arrivals on a schedule drawn before the window,
/// never waiting for the backend; traffic.mode none sends them all at t = 0), capped by traffic.max_concurrency (an
/// arrival waits for a free slot, and that wait is its queue time), or closed loop (traffic.mode = concurrent: a fixed
/// number always in flight, the next sent when one completes). Records every request; failed ones are kept with their
/// error and counted apart.
/// </summary>
public static class RequestDispatcher
{
    /// <param name="windowStartTicks">Time zero of every record, in <see cref="Stopwatch"/> ticks; null: now.</param>
    /// <param name="arrivalsS">Arrival times drawn before the window (open loop); null: drawn here.</param>
    /// <param name="clock">Time and waiting; null: the system clock. Tests pass a manual one.</param>
    /// <param name="mark">Called with the window time at each request's send, first chunk and end, where one request is in
    /// flight at a time (host meters take a reading there; with several in flight no host phase split exists).</param>
    /// <param name="completed">Called with each request's record as it completes (what a failed run keeps).</param>
    public static async Task<WorkloadRun> RunAsync(
        IRequestModel model,
        IReadOnlyList<Prompt> prompts,
        GenerationSettings settings,
        TrafficConfig traffic,
        long? windowStartTicks = null,
        double[]? arrivalsS = null,
        MeterClock? clock = null,
        CancellationToken cancellation = default,
        Action<double>? mark = null,
        Action<RequestRecord>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (prompts.Count == 0) throw new WorkloadException("prompts: the prompt set is empty; a measured run needs at least one prompt.", "prompts");
        clock ??= MeterClock.System;
        var start = windowStartTicks ?? clock.NowTicks;
        var closedLoop = traffic.Mode == TrafficMode.Concurrent;
        var arrivals = closedLoop ? null : arrivalsS ?? ArrivalSchedule.Generate(traffic, prompts.Count);
        var slots = closedLoop ? traffic.Concurrency : traffic.MaxConcurrency ?? int.MaxValue;
        if (slots < 1) throw new WorkloadException($"{(closedLoop ? "traffic.concurrency" : "traffic.max_concurrency")} = {slots}: it must be at least 1.",
            closedLoop ? "traffic.concurrency" : "traffic.max_concurrency");

        var records = new RequestRecord?[prompts.Count];
        var inFlight = new List<(int Index, Task<RequestRecord> Task)>();
        // one wake-up signal, set by any completion or a due arrival. Task.WhenAny is avoided on purpose: it resumes on
        // the thread pool, while these continuations run inline, so a test clock can drive the loop deterministically.
        var wake = new TaskCompletionSource();
        void Wake() => Volatile.Read(ref wake).TrySetResult();
        var next = 0;
        while (next < prompts.Count || inFlight.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            Volatile.Write(ref wake, new TaskCompletionSource());
            foreach (var done in inFlight.Where(f => f.Task.IsCompleted).ToArray())
            {
                records[done.Index] = await done.Task.ConfigureAwait(false); // a backend that is gone (InferenceException) ends the run here
                completed?.Invoke(records[done.Index]!);
                inFlight.Remove(done);
            }
            var progressed = false;
            while (next < prompts.Count && inFlight.Count < slots)
            {
                var now = clock.NowTicks;
                // closed loop: a request "arrives" when its slot frees; open loop: on its schedule
                var arrivalTicks = arrivals is null ? now : start + (long)Math.Round(arrivals[next] * Stopwatch.Frequency);
                if (arrivalTicks > now)
                {
                    _ = clock.DelayUntilAsync(arrivalTicks, cancellation).ContinueWith(_ => Wake(), CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    break;
                }
                var index = next++;
                var task = SendAsync(model, prompts[index], settings, SecondsOf(arrivalTicks, start), start, clock, cancellation, slots == 1 ? mark : null);
                _ = task.ContinueWith(_ => Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                inFlight.Add((index, task));
                progressed = true;
            }
            // nothing sent and nothing finished: wait for a completion or the next arrival (unless all is done)
            var pending = next < prompts.Count || inFlight.Count > 0;
            if (pending && !progressed && inFlight.All(f => !f.Task.IsCompleted)) await Volatile.Read(ref wake).Task.ConfigureAwait(false);
        }

        var requests = records.Select(r => r!).ToArray();
        var warnings = new List<string>();
        var failed = requests.Count(r => !r.Succeeded);
        if (failed > 0)
            warnings.Add($"{failed} of {requests.Length} requests failed ({requests.First(r => !r.Succeeded).Error}): they count towards no token, latency or goodput figure; see failed_requests.");
        var unknown = requests.Count(r => r.Succeeded && r.OutputTokensUnknown);
        if (unknown > 0)
            warnings.Add($"{unknown} of {requests.Length} requests got no token count from the backend (no usage): they count as requests (requests_per_s, TTFT, E2E) " +
                "but in no token figure, and lem never counts tokens from text, so output_tokens_per_s and energy_per_output_token_j cover the other requests' " +
                "tokens only (throughput understated, J/token overstated); see output_tokens_unknown per request.");
        var spread = requests.Count(r => r.TokenTimesSpread);
        if (spread > 0)
            warnings.Add($"for {spread} requests streamed chunks carried other than one token each: their token times were spread evenly between chunk arrivals " +
                "and the tokens of a first chunk add no gap (docs/metrics.md, \"ITL of multi-token chunks\"), so their ITL is an estimate.");
        var endS = requests.Length == 0 ? 0 : requests.Max(r => r.EndS);
        return new WorkloadRun(requests, [], endS, start, warnings);
    }

    private static async Task<RequestRecord> SendAsync(IRequestModel model, Prompt prompt, GenerationSettings settings, double arrivalS, long start,
        MeterClock clock, CancellationToken cancellation, Action<double>? mark)
    {
        var chunks = new ChunkTimes(mark is null ? null : ticks => mark(SecondsOf(ticks, start)));
        var sentTicks = clock.NowTicks;
        mark?.Invoke(SecondsOf(sentTicks, start));
        var completion = await model.GenerateAsync(new InferenceRequest(prompt.Index, prompt.TokenIds, prompt.IsSynthetic ? null : prompt.Text), settings, chunks, cancellation)
            .ConfigureAwait(false);
        var endTicks = clock.NowTicks;
        mark?.Invoke(SecondsOf(endTicks, start));
        var startS = SecondsOf(chunks.SentTicks ?? sentTicks, start);
        if (!completion.Succeeded)
            return new RequestRecord(prompt.Index, null, null, prompt.TokenCount, 0, arrivalS, startS, null, SecondsOf(endTicks, start), [], completion.Error,
                Facts: completion.Facts);
        // the backend's count, or the sum of its per-chunk counts where every chunk had one; never a count of chunks
        var outputTokens = completion.OutputTokens ?? (chunks.Chunks.Count > 0 && chunks.Chunks.All(c => c.Tokens is not null) ? chunks.Chunks.Sum(c => c.Tokens!.Value) : null);
        if (outputTokens is null)
        {
            // tokens unknown: the first and last chunk still give TTFT and E2E; no token times, so no ITL or TPOT
            double? firstChunkS = chunks.Chunks.Count > 0 ? SecondsOf(chunks.Chunks[0].Ticks, start) : null;
            var lastS = chunks.Chunks.Count > 0 ? SecondsOf(chunks.Chunks[^1].Ticks, start) : SecondsOf(endTicks, start);
            return new RequestRecord(prompt.Index, null, null, completion.PromptTokens ?? prompt.TokenCount, 0, arrivalS, startS,
                firstChunkS, lastS, [], Facts: completion.Facts, OutputTokensUnknown: true);
        }
        var (times, spread, firstChunkTokens) = chunks.TokenTimesS(outputTokens.Value, start);
        double? firstTokenS = times.Length > 0 ? times[0] : null;
        var endS = times.Length > 0 ? times[^1] : SecondsOf(endTicks, start);
        return new RequestRecord(prompt.Index, null, null, completion.PromptTokens ?? prompt.TokenCount, outputTokens.Value, arrivalS, startS,
            firstTokenS, endS, times, TokenTimesSpread: spread, Facts: completion.Facts, FirstChunkTokens: firstChunkTokens);
    }

    private static double SecondsOf(long ticks, long start) => (double)(ticks - start) / Stopwatch.Frequency;
}
