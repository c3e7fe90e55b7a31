using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Host;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Results;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running.Stages;

namespace Lem.Engine.Running;

/// <summary>
/// Runs one experiment as a sequence of stages: plan (backend module, model, workers, metered GPUs), then per worker
/// load (timed, outside the window; reused across consecutive runs that share it), workload (prompts, batches,
/// arrivals), baseline, warm-up (never measured), measure (the window, in the backend's execution shape) and record
/// (one raw record per worker, written atomically), then the completion marker. The run folder gets its START marker
/// first (which planned run, with which inputs: what resume finds it by). A stop request
/// (<see cref="RunnerServices.Cancellation"/>) ends the run before DONE, at the next stage, batch, decode step or
/// request; the caller marks its folder interrupted. An error ends the run as failed (<see cref="RunFailedException"/>):
/// its folder gets <c>FAILED</c> (phase and error), the requests completed so far and the backend's logs, and the
/// pooled models (a launched server) are released. With parallel.mode = data, one worker
/// per device runs its share of the prompts with its own model replica, and the host meters (CPU, RAM) measure the
/// whole span from the common start to the last worker's end (<see cref="HostEnergySpan"/>). The runner never asks a
/// backend's name: what it needs from a backend comes from its module.
/// </summary>
public sealed class ExperimentRunner(RunnerServices services) : IDisposable
{
    private readonly List<ModelPool> _pools = [];

    /// <param name="configHash">The planned run's config hash (<see cref="PlannedRun.ConfigHash"/>, read once by the
    /// campaign runner), recorded in the START marker; null for a run outside a campaign.</param>
    public RunOutcome Run(PlannedRun run, string? configHash = null)
    {
        var config = run.Config;
        // results.dir is relative to the working directory (registry help), like the README's ./results
        var store = services.CreateStore(Path.GetFullPath(config.ResultsDir));
        store.EnsureWritable();

        RunPlan plan;
        try
        {
            plan = PlanStage.Plan(run, services);
        }
        catch (Exception e) when (!services.Cancellation.IsCancellationRequested)
        {
            throw new RunFailedException("plan", null, null, null, e);
        }
        while (_pools.Count < plan.WorkerCount) _pools.Add(new ModelPool());
        for (var k = plan.WorkerCount; k < _pools.Count; k++) _pools[k].Release(); // no stale replica stays on a GPU this run does not use

        var runId = store.BeginRun(run.Experiment, run.Cycle, run.Key, configHash);
        var trace = new RunTrace(plan.WorkerCount);
        try
        {
            return RunIn(run, plan, store, runId, trace);
        }
        catch (Exception e) when (!services.Cancellation.IsCancellationRequested)
        {
            throw Failed(store, runId, plan.WorkerCount, trace, e);
        }
    }

    private RunOutcome RunIn(PlannedRun run, RunPlan plan, ResultStore store, string runId, RunTrace trace)
    {
        var config = run.Config;
        services.OnStep(RunStep.FolderCreated);
        services.Log.WriteLine($"{run.Key}: run {runId} on {plan.LayoutText} ({plan.Module.Name})");
        var workers = new (RawRecord Record, IReadOnlyList<TimeSeriesPoint>? TimeSeries)[plan.WorkerCount];
        if (plan.WorkerCount == 1)
        {
            workers[0] = RunWorker(plan, runId, 0, null, trace);
        }
        else
        {
            using var hostMeters = services.CreateMeters(MeterOptionsFor(config, []));
            using var span = new HostEnergySpan(hostMeters.Meters, plan.WorkerCount, services.Clock);
            var tasks = Enumerable.Range(0, plan.WorkerCount)
                .Select(k => Task.Factory.StartNew(() => RunWorkerInSpan(plan, runId, k, span, trace), TaskCreationOptions.LongRunning))
                .ToArray();
            try
            {
                Task.WaitAll(tasks);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
            {
                throw e.InnerExceptions[0];
            }
            for (var k = 0; k < tasks.Length; k++) workers[k] = tasks[k].Result;
        }
        services.Cancellation.ThrowIfCancellationRequested();
        trace.EnterAll("record");
        services.OnStep(RunStep.BeforeRawRecords);
        foreach (var (record, series) in workers) store.WriteRawRecord(record, series);
        services.OnStep(RunStep.AfterRawRecords);
        CopyLogs(store.RunFolder(runId), plan.WorkerCount);
        services.Cancellation.ThrowIfCancellationRequested();
        services.OnStep(RunStep.BeforeDone);
        store.MarkComplete(runId);
        services.OnStep(RunStep.AfterDone);
        var aggregated = store.Aggregate(runId);
        return new RunOutcome(runId, store.RunFolder(runId), RunSummary.Of(run, runId, aggregated, workers.Select(w => w.Record)));
    }

    /// <summary>
    /// A run that failed with an error: its backend logs (a launched server's output, up to its end) and the requests
    /// completed before the error go into its folder, the folder is marked <c>FAILED</c> with the phase and the error,
    /// and every pooled model (a launched server included) is released, so that the next run starts clean. Each step is
    /// best effort: a second problem is logged, never thrown over the run's own error.
    /// </summary>
    private RunFailedException Failed(ResultStore store, string runId, int workerCount, RunTrace trace, Exception error)
    {
        var phase = trace.FailedPhase;
        var folder = store.RunFolder(runId);
        var logs = new List<string>();
        var completed = 0;
        try
        {
            logs.AddRange(CopyLogs(folder, workerCount, LogFilesOf(error)));
            for (var k = 0; k < workerCount; k++)
            {
                var requests = trace.CompletedBy(k);
                if (requests.Count == 0) continue;
                completed += requests.Count;
                AtomicFile.Replace(Path.Combine(folder, RunFiles.CompletedRequests(k)), ResultJson.Serialize(requests.Select(RequestRecords.From).ToList()));
            }
            store.MarkFailed(runId, phase, error.Message, logs, completed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ResultsException)
        {
            services.Log.WriteLine($"  run {runId}: the failure record could not be written completely ({e.Message})");
        }
        foreach (var pool in _pools)
        {
            try
            {
                pool.Release();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                services.Log.WriteLine($"  run {runId}: releasing its model after the failure: {e.Message}");
            }
        }
        return new RunFailedException(phase, runId, folder, logs.Count > 0 ? Path.Combine(folder, RunFiles.Logs) : null, error);
    }

    private (RawRecord, IReadOnlyList<TimeSeriesPoint>?) RunWorkerInSpan(RunPlan plan, string runId, int worker, HostEnergySpan span, RunTrace trace)
    {
        try
        {
            return RunWorker(plan, runId, worker, span, trace);
        }
        catch
        {
            // a failed worker must not leave the others waiting for it, at the start barrier or for the host span's end
            span.Abandon(worker);
            throw;
        }
    }

    /// <param name="hostSpan">Data mode: the host meters shared by all workers; null: this worker's window measures them.</param>
    private (RawRecord, IReadOnlyList<TimeSeriesPoint>?) RunWorker(RunPlan plan, string runId, int worker, HostEnergySpan? hostSpan, RunTrace trace)
    {
        try
        {
            return RunWorkerStages(plan, runId, worker, hostSpan, trace);
        }
        catch
        {
            trace.Failed(worker);
            throw;
        }
    }

    private (RawRecord, IReadOnlyList<TimeSeriesPoint>?) RunWorkerStages(RunPlan plan, string runId, int worker, HostEnergySpan? hostSpan, RunTrace trace)
    {
        var started = DateTimeOffset.UtcNow;
        var config = plan.Config;
        var warnings = new List<WarningRecord>();
        var devicesText = string.Join("+", plan.WorkerDevices[worker]);

        var stop = services.Cancellation;
        stop.ThrowIfCancellationRequested();
        trace.Enter(worker, "load");
        var (model, loadSeconds, reused, loadEnergy) = Load(plan, worker, hostSpan is not null);
        stop.ThrowIfCancellationRequested();
        // the precision as the backend reports it (a server runs at its own, which may not be the registry's default)
        services.Log.WriteLine(reused
            ? $"  worker {worker}: model reused ({model.Info.Architecture}, {model.Info.Precision}, {devicesText})"
            : $"  worker {worker}: loaded {model.Info.Architecture} ({model.Info.ParameterCount / 1e6:F1} M parameters, {model.Info.Precision}, {devicesText}) in {loadSeconds:F2} s");
        foreach (var note in model.LoadNotes) services.Log.WriteLine($"  worker {worker}: {note}");

        trace.Enter(worker, "workload");
        var workload = WorkloadStage.Prepare(plan, model, worker);
        warnings.AddRange(workload.Warnings.Select(w => new WarningRecord("prompts", w)));
        // host energy goes to the processes doing the model's work: a launched server's tree, else lem itself
        var options = MeterOptionsFor(config, plan.MeteredGpus[worker].Select(d => d.ToString()).ToArray()) with
        {
            Processes = model.HostProcessIds.Count > 0 ? new ProcessTree(model.HostProcessIds[0], plan.Module.Name) : null,
        };
        trace.Enter(worker, "baseline");
        using var meters = services.CreateMeters(options);
        var baseline = BaselineStage.Measure(config, meters, services, warnings);
        var hostBaselines = hostSpan is null ? BaselineStage.MeasureHost(config, meters.Meters.Where(m => !ReferenceEquals(m, meters.Gpu)).ToArray(), services) : [];
        stop.ThrowIfCancellationRequested();
        trace.Enter(worker, "warmup");
        var warmup = WarmupStage.Run(config, model, workload, services);
        stop.ThrowIfCancellationRequested();
        trace.Enter(worker, "measure");
        var measured = MeasureStage.Measure(plan, worker, model, workload, meters, hostSpan, services, record => trace.Completed(worker, record));
        trace.Enter(worker, "record");
        var carbon = services.ResolveCarbon(options.Carbon ?? new CarbonSettings());
        return RecordStage.Build(new RecordStage.Inputs(plan, runId, worker, started, model, loadSeconds, reused, meters, baseline, hostBaselines, warmup,
            measured, workload, services.CollectEnvironment(meters.Gpu is not null), warnings, carbon)
        {
            LoadEnergy = loadEnergy,
            ColdStart = services.ColdStart,
        });
    }

    /// <summary>
    /// The worker's model from its pool; a load (not a reuse) is metered, outside the measurement window: the metered
    /// GPUs' energy counters and the host meters (the whole machine's CPU and RAM; in data mode the GPUs only, as workers load at once).
    /// </summary>
    private (ILoadedModel Model, double LoadSeconds, bool Reused, IReadOnlyList<EnergyRecord>? LoadEnergy) Load(RunPlan plan, int worker, bool dataMode)
    {
        var pool = _pools[worker];
        var request = plan.LoadRequest(worker);
        if (pool.Holds(plan.Module, request))
        {
            var (held, heldSeconds, wasReused) = pool.Get(plan.Module, request);
            return (held, heldSeconds, wasReused, null);
        }
        // the model held now (another run's; a launched server stops within its grace time) is released before the load
        // window opens: its teardown is not this run's load
        pool.Release();
        using var meters = services.CreateMeters(MeterOptionsFor(plan.Config, plan.MeteredGpus[worker].Select(d => d.ToString()).ToArray()) with { KeepTimeSeries = false });
        ILoadedModel? model = null;
        var window = MeasurementWindow.Measure("load", meters.Meters.Where(m => !dataMode || ReferenceEquals(m, meters.Gpu)).ToArray(),
            () => (model, _, _) = pool.Get(plan.Module, request), synchronize: null, services.Clock);
        // the load's time is its window's: the interval its energy covers
        return (model!, window.DurationS, false, window.Energy.Select(EnergyRecord.From).ToList());
    }

    /// <summary>
    /// The backends' logs (a launched server's output, as it is after this run), and those a failure names (a server
    /// that never became ready has no loaded model to name them), into the run folder's logs/; their paths there,
    /// relative to the run folder.
    /// </summary>
    private List<string> CopyLogs(string runFolder, int workers, IReadOnlyList<string>? failureLogs = null)
    {
        var copied = new List<string>();
        void Copy(string log, string prefix)
        {
            var name = prefix + Path.GetFileName(log);
            if (copied.Contains(RunFiles.Logs + "/" + name) || !File.Exists(log)) return;
            var folder = Directory.CreateDirectory(Path.Combine(runFolder, RunFiles.Logs)).FullName;
            File.Copy(log, Path.Combine(folder, name), overwrite: true);
            copied.Add(RunFiles.Logs + "/" + name);
        }
        for (var k = 0; k < workers && k < _pools.Count; k++)
        {
            foreach (var log in _pools[k].Current?.LogFiles ?? []) Copy(log, workers > 1 ? $"worker{k}-" : "");
        }
        foreach (var log in failureLogs ?? []) Copy(log, "");
        return copied;
    }

    /// <summary>The log files an <see cref="InferenceException"/> in the error's chain names.</summary>
    private static IReadOnlyList<string> LogFilesOf(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is InferenceException { LogFiles.Count: > 0 } inference) return inference.LogFiles;
        }
        return [];
    }

    /// <param name="gpus">The GPUs the NVML meter covers (energy per device); none: host meters only.</param>
    internal static MeterOptions MeterOptionsFor(ExperimentConfig config, IReadOnlyList<string> gpus) => new(
        gpus,
        SampleIntervalMs: config.Measurement.SampleInterval.TotalMilliseconds,
        KeepTimeSeries: true,
        CpuTdpW: config.Estimates.CpuTdpW,
        RamWattsPerGb: config.Estimates.RamWPerGb,
        Carbon: new CarbonSettings(config.Carbon.IntensityGPerKwh, config.Carbon.Region, config.Carbon.Pue));

    public void Dispose()
    {
        foreach (var pool in _pools) pool.Dispose();
    }
}
