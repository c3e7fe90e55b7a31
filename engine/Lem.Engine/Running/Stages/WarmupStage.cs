using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Workload;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// Warm-up, never measured: batches (batch shape) or requests one at a time (request shape) until the policy stops
/// (a fixed count, or until the CV of step latency is stable). In the batch shape every other distinct batch shape
/// then runs once, so that per-shape work (CUDA graph captures, kernel selection) happens here and not in the window.
/// </summary>
public static class WarmupStage
{
    public static WarmupTracker Run(ExperimentConfig config, ILoadedModel model, PreparedWorkload workload, RunnerServices services)
    {
        var policy = config.Warmup.Mode == WarmupMode.Fixed
            ? WarmupPolicy.Fixed(config.Warmup.Count)
            : WarmupPolicy.UntilStable(config.Warmup.Window, config.Warmup.CvThreshold, config.Warmup.Count);
        var tracker = policy.Start();
        var progress = services.NewProgressLine();
        var settings = config.GenerationSettings;
        var extra = model switch
        {
            IBatchModel batch => WarmUpBatches(batch, workload, settings, tracker, progress, services.Clock, services.Cancellation),
            IRequestModel request => WarmUpRequests(request, workload, settings, tracker, progress, services.Clock, services.Cancellation),
            _ => throw new RunnerException($"the backend's model is neither a batch nor a request model ({model.GetType().Name}): a backend fault."),
        };
        model.Synchronize();
        progress.Done($"  warm-up: {tracker.StepsUsed} {(model is IBatchModel ? "batches" : "requests")} ({tracker.StopReason}){extra}");
        return tracker;
    }

    private static string WarmUpBatches(IBatchModel model, PreparedWorkload workload, GenerationSettings settings, WarmupTracker tracker, ProgressLine progress,
        MeterClock clock, CancellationToken stop)
    {
        var batches = workload.Plan!.Batches;
        for (var step = 0; !tracker.IsDone; step++)
        {
            stop.ThrowIfCancellationRequested();
            var batch = batches[step % batches.Count];
            progress.Update($"  warm-up step {step + 1} ...");
            var startS = clock.NowS;
            var generated = model.Generate(batch.Prompts.Select(p => p.TokenIds).ToArray(), settings);
            model.Synchronize();
            tracker.Observe((clock.NowS - startS) * 1000 / Math.Max(1, generated.OutputTokens));
        }
        var shapes = batches.GroupBy(b => (b.Prompts.Count, b.Prompts.Max(p => p.TokenIds.Length))).Select(g => g.First()).ToArray();
        foreach (var batch in shapes.Skip(1))
        {
            stop.ThrowIfCancellationRequested();
            model.Generate(batch.Prompts.Select(p => p.TokenIds).ToArray(), settings);
        }
        return shapes.Length > 1 ? $", then one batch of each of {shapes.Length - 1} other shapes" : "";
    }

    private static string WarmUpRequests(IRequestModel model, PreparedWorkload workload, GenerationSettings settings, WarmupTracker tracker, ProgressLine progress,
        MeterClock clock, CancellationToken stop)
    {
        var failed = 0;
        for (var step = 0; !tracker.IsDone; step++)
        {
            stop.ThrowIfCancellationRequested();
            var prompt = workload.Prompts[step % workload.Prompts.Count];
            progress.Update($"  warm-up request {step + 1} ...");
            var startS = clock.NowS;
            var completion = clock.WaitFor(model.GenerateAsync(new InferenceRequest(prompt.Index, prompt.TokenIds, prompt.IsSynthetic ? null : prompt.Text), settings,
                NoObserver.Instance, stop));
            if (!completion.Succeeded && ++failed >= 3)
                throw new RunnerException($"warm-up: 3 requests failed, the last with: {completion.Error}. Remedy: check the server's log and its settings.");
            tracker.Observe((clock.NowS - startS) * 1000 / Math.Max(1, completion.OutputTokens ?? 1));
        }
        return failed > 0 ? $", {failed} failed" : "";
    }

    private sealed class NoObserver : IRequestObserver
    {
        public static readonly NoObserver Instance = new();
        public void OnSent(long timestampTicks) { }
        public void OnChunk(long timestampTicks, int? tokens) { }
    }
}
