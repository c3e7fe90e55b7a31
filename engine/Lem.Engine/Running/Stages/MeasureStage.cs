using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Workload;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// The measurement window: device synchronised, meters begun, the workload driven in the backend's execution shape
/// (batches the engine forms, or requests it dispatches), device synchronised again, meters ended. In data mode the
/// host meters are measured over the whole span of all workers instead (<see cref="HostEnergySpan"/>).
/// </summary>
public static class MeasureStage
{
    /// <param name="hostSpan">Data mode: the host meters shared by all workers; null: this worker's window measures them.</param>
    /// <param name="completed">Called with each request's record as it completes (what a failed run keeps).</param>
    public static MeasuredWindow Measure(RunPlan plan, int worker, ILoadedModel model, PreparedWorkload workload, MeterSet meters,
        HostEnergySpan? hostSpan, RunnerServices services, Action<RequestRecord>? completed = null)
    {
        var config = plan.Config;
        IReadOnlyList<Lem.Engine.Meters.IMeter> windowMeters =
            [.. hostSpan is null ? meters.Meters : meters.Meters.Where(m => ReferenceEquals(m, meters.Gpu)), .. model.WindowMeters];
        var factsBefore = model.Facts;
        hostSpan?.StartTogether(worker);
        var progress = services.NewProgressLine();
        progress.Update(ProgressText(config, workload, worker));
        model.ResetPeakDeviceMemory();
        WorkloadRun? run = null;
        var clock = services.Clock;
        // host meters take a reading at each batch's (or lone request's) start, first token and end: the host phase split
        void Mark(double windowTimeS)
        {
            foreach (var meter in windowMeters) meter.Mark(windowTimeS);
        }
        var beginUtc = DateTimeOffset.UtcNow;
        var window = MeasurementWindow.Measure("measure", windowMeters, () =>
        {
            var start = clock.NowTicks;
            run = model switch
            {
                IBatchModel batch => BatchDriver.Run(batch, workload.Prompts, config.GenerationSettings, config.Batching, config.Traffic, start,
                    services.Cancellation, workload.Plan, workload.ArrivalsS, clock, Mark, completed),
                IRequestModel request => clock.WaitFor(RequestDispatcher.RunAsync(request, workload.Prompts, config.GenerationSettings, config.Traffic, start,
                    workload.ArrivalsS, clock, services.Cancellation, Mark, completed)),
                _ => throw new RunnerException($"the backend's model is neither a batch nor a request model ({model.GetType().Name}): a backend fault."),
            };
        }, model.Synchronize, clock);
        var endUtc = DateTimeOffset.UtcNow;
        hostSpan?.WindowEnded(worker);
        double? hostSpanS = null;
        if (hostSpan is not null && worker == 0)
        {
            // worker 0's record carries the host figures, over the span from the common start to the last worker's end
            var host = hostSpan.WaitForSpan();
            window = window with { Results = [.. window.Results, .. host.Results] };
            hostSpanS = host.DurationS;
        }
        progress.Done();
        return new MeasuredWindow(window, run!, beginUtc, endUtc, hostSpanS, factsBefore);
    }

    /// <summary>
    /// The window of a measured command (<c>lem measure</c>): every meter begun right before <paramref name="runCommand"/>
    /// starts the program, ended right after it has exited. No device synchronisation: the program's device work
    /// ends with its process.
    /// </summary>
    public static (WindowMeasurement Window, DateTimeOffset BeginUtc, DateTimeOffset EndUtc) MeasureCommand(MeterSet meters, Action runCommand,
        RunnerServices services)
    {
        var beginUtc = DateTimeOffset.UtcNow;
        var window = MeasurementWindow.Measure("measure", meters.Meters, runCommand, synchronize: null, services.Clock);
        return (window, beginUtc, DateTimeOffset.UtcNow);
    }

    /// <summary>What the window is about to do, in words: the planned batches exist only without traffic (with it, the
    /// scheduler forms batches from what has arrived).</summary>
    internal static string ProgressText(Lem.Engine.Config.ExperimentConfig config, PreparedWorkload workload, int worker)
    {
        var traffic = config.Traffic;
        var load = traffic.Mode switch
        {
            Lem.Engine.Config.TrafficMode.None => null,
            Lem.Engine.Config.TrafficMode.Concurrent => $"{traffic.Concurrency} in flight",
            var mode => FormattableString.Invariant($"{Lem.Engine.Config.ConfigWords.Of(mode)} arrivals at {traffic.Qps:0.###} requests/s"),
        };
        var what = workload.Plan is { } plan
            ? load is null ? $"{workload.Prompts.Count} prompts in {plan.Batches.Count} batches" : $"{workload.Prompts.Count} prompts, {load}, batched as they arrive"
            : load is null ? $"{workload.Prompts.Count} requests" : $"{workload.Prompts.Count} requests, {load}";
        return $"  worker {worker}: measuring {what} ...";
    }
}
