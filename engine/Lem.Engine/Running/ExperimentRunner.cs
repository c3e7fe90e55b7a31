using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lem.Engine.Config;
using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Flops.Utilisation;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Metrics;
using MetricNames = Lem.Engine.Results.Schema.MetricNames;
using Lem.Engine.Results;
using Lem.Engine.Results.Store;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Meters.Nvml;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;
using Lem.Engine.Workload;
using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Running;

/// <summary>
/// Runs one experiment: model load (timed, outside the window; reused across consecutive runs that share it), prompts,
/// idle baseline, warm-up (never measured), the measurement window (device synchronised at both edges, meters and
/// sampler running, workload driven), then one raw record per worker written atomically and a completion marker.
/// With parallel.mode = data, one worker per device runs its share of the prompts with its own model replica; the host
/// meters (CPU, RAM) then measure the whole span from the common start to the last worker's end (<see cref="HostEnergySpan"/>).
/// With parallel.mode = pipeline, one worker runs one model whose layers are split across the devices.
/// </summary>
public sealed class ExperimentRunner(RunnerServices services) : IDisposable
{
    private readonly List<ModelPool> _pools = [];

    public RunOutcome Run(PlannedRun run)
    {
        var config = run.Config;
        // results.dir is relative to the working directory (registry help), like the README's ./results
        var store = new ResultStore(Path.GetFullPath(config.ResultsDir));
        store.EnsureWritable();

        var backend = services.Backend(config.Backend);
        var modelFolder = services.ResolveModelFolder(config.Model, run.BaseFolder);
        // one worker per device (data), or one worker over all devices (pipeline, or a single device)
        IReadOnlyList<IReadOnlyList<DeviceSpec>> workerDevices = config.Parallel.Mode == ParallelMode.Data
            ? config.DevicesUsed.Select(d => (IReadOnlyList<DeviceSpec>)[d]).ToArray()
            : [config.DevicesUsed];
        var workerCount = workerDevices.Count;
        while (_pools.Count < workerCount) _pools.Add(new ModelPool());
        for (var k = workerCount; k < _pools.Count; k++) _pools[k].Release(); // no stale replica stays on a GPU this run does not use

        var runId = store.BeginRun(run.Experiment, run.Cycle);
        var layout = config.Parallel.Mode == ParallelMode.Pipeline ? $"a pipeline over {DevicesText(config.DevicesUsed)}" : string.Join(", ", config.DevicesUsed);
        services.Log.WriteLine($"{run.Key}: run {runId} on {layout}");
        var workers = new WorkerResult[workerCount];
        if (workerCount == 1)
        {
            workers[0] = MeasureWorker(run, runId, backend, modelFolder, 0, workerDevices, null, [], DateTimeOffset.UtcNow);
        }
        else
        {
            using var hostMeters = MeterSet.Create(MeterOptionsFor(config, []));
            using var span = new HostEnergySpan(hostMeters.Meters, workerCount);
            var tasks = Enumerable.Range(0, workerCount)
                .Select(k => Task.Factory.StartNew(() => RunWorker(run, runId, backend, modelFolder, k, workerDevices, span), TaskCreationOptions.LongRunning))
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
        foreach (var worker in workers) store.WriteRawRecord(worker.Record, worker.TimeSeries);
        store.MarkComplete(runId);
        var aggregated = store.Aggregate(runId);
        return new RunOutcome(runId, store.RunFolder(runId), Summarise(run, runId, aggregated, workers));
    }

    private sealed record WorkerResult(RawRecord Record, IReadOnlyList<TimeSeriesPoint>? TimeSeries);

    private WorkerResult RunWorker(PlannedRun run, string runId, IInferenceBackend backend, string modelFolder, int worker,
        IReadOnlyList<IReadOnlyList<DeviceSpec>> workerDevices, HostEnergySpan span)
    {
        try
        {
            return MeasureWorker(run, runId, backend, modelFolder, worker, workerDevices, span, [], DateTimeOffset.UtcNow);
        }
        catch
        {
            // a failed worker must not leave the others waiting for it, at the start barrier or for the host span's end
            span.Abandon(worker);
            throw;
        }
    }

    /// <param name="workerDevices">The devices of every worker: one each in data mode; all of them for one pipeline worker.</param>
    /// <param name="hostSpan">Data mode: the host meters shared by all workers (measured over the whole span); null: this
    /// worker's window measures the host meters itself.</param>
    private WorkerResult MeasureWorker(PlannedRun run, string runId, IInferenceBackend backend, string modelFolder, int worker,
        IReadOnlyList<IReadOnlyList<DeviceSpec>> workerDevices, HostEnergySpan? hostSpan, List<WarningRecord> warnings, DateTimeOffset started)
    {
        var config = run.Config;
        var devices = workerDevices[worker];
        var workerCount = workerDevices.Count;
        var pipeline = config.Parallel.Mode == ParallelMode.Pipeline;
        var request = config.ToModelLoadRequest(modelFolder) with
        {
            Device = devices[0].ToString(),
            PipelineDevices = pipeline ? devices.Select(d => d.ToString()).ToArray() : null,
        };
        var deviceText = DevicesText(devices);
        var (loaded, loadSeconds, reused) = _pools[worker].Get(backend, request);
        var model = (IBatchModel)loaded;
        services.Log.WriteLine(reused
            ? $"  worker {worker}: model reused ({model.Info.Architecture}, {config.PrecisionText}, {deviceText})"
            : $"  worker {worker}: loaded {model.Info.Architecture} ({model.Info.ParameterCount / 1e6:F1} M parameters, {config.PrecisionText}, {deviceText}) in {loadSeconds:F2} s");
        if (model.Facts.TryGetValue("torchsharp_pipeline_split", out var split))
            services.Log.WriteLine($"  worker {worker}: layers split as {split}");

        var promptSet = PromptSources.FromSpec(config.Prompts, run.BaseFolder).Load(model.Tokenizer);
        warnings.AddRange(promptSet.Warnings.Select(w => new WarningRecord("prompts", w)));
        var prompts = Share(promptSet.Prompts, worker, workerCount);
        if (prompts.Count == 0)
            throw new RunnerException($"{run.Experiment}: worker {worker} has no prompts ({promptSet.Prompts.Count} prompts over {workerCount} devices). Remedy: use at least as many prompts as devices.");
        var batching = new BatchingOptions(config.Batching.Strategy, config.Batching.BatchSize, config.Batching.MaxTokensPerBatch);
        var plan = Batcher.Plan(prompts, batching);
        var settings = config.GenerationSettings;

        using var meters = MeterSet.Create(MeterOptionsFor(config, devices));
        var windowMeters = hostSpan is null ? meters.Meters : meters.Meters.Where(m => ReferenceEquals(m, meters.Gpu)).ToArray();

        var baseline = MeasureBaseline(config, meters, warnings);
        var warmup = WarmUp(config, model, plan, settings);

        var factsBefore = model.Facts;
        hostSpan?.StartTogether(worker);
        var progress = ProgressLine.ForConsole();
        progress.Update($"  worker {worker}: measuring {prompts.Count} prompts in {plan.Batches.Count} batches ...");
        model.ResetPeakDeviceMemory();
        WorkloadRun? workload = null;
        var windowBeginUtc = DateTimeOffset.UtcNow;
        var window = MeasurementWindow.Measure("measure", windowMeters, () =>
        {
            workload = WorkloadDriver.Run(model, prompts, settings, batching, TrafficOptionsFor(config), Stopwatch.GetTimestamp(), plan: plan);
        }, model.Synchronize);
        var windowEndUtc = DateTimeOffset.UtcNow;
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
        warnings.AddRange(model.Warnings.Select(w => new WarningRecord("backend", w)));
        warnings.AddRange(workload!.Warnings.Select(w => new WarningRecord("workload", w)));

        var goodput = config.Goodput.Any ? new GoodputTargets(config.Goodput.TtftMs, config.Goodput.TpotMs, null) : null;
        var metrics = WorkloadMetricsCalculator.Compute(workload, window.DurationS, goodput);
        var energy = window.Energy.Select(EnergyRecord.From).ToList();
        foreach (var result in window.Results)
            warnings.AddRange(result.Warnings.Select(w => new WarningRecord("meter:" + result.MeterName, w)));

        // canonical metrics (window duration, energies...) are derived from the record's sections, not taken from meters
        var meterMetrics = window.Results.SelectMany(r => r.Metrics).Where(p => !MetricNames.IsCanonical(p.Key))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
        meterMetrics["warmup_steps"] = warmup.StepsUsed;
        if (hostSpanS is { } spanS) meterMetrics["host_energy_span_s"] = spanS;
        if (metrics.GoodputRequestsPerS is { } goodputPerS) meterMetrics["goodput_requests_per_s"] = goodputPerS;
        foreach (var (name, value) in PhaseFigures(window, workload, meters, warnings)) meterMetrics[name] = value;
        // counters among the backend facts (CUDA graph captures, replays) count since load: record this window's share
        foreach (var (name, value) in model.Facts)
            if (value is int or long or double)
                meterMetrics[name + "_in_window"] = Convert.ToDouble(value, CultureInfo.InvariantCulture)
                    - (factsBefore.TryGetValue(name, out var before) ? Convert.ToDouble(before, CultureInfo.InvariantCulture) : 0);
        if (meterMetrics.TryGetValue("torchsharp_cuda_graph_captures_in_window", out var captures) && captures > 0)
            warnings.Add(new WarningRecord("capture-in-window", $"{captures} CUDA graph capture(s) happened inside the measurement window: a batch shape appeared that warm-up did not see",
                "the window includes capture time; use fewer distinct batch shapes (batch sizes, prompt lengths)"));
        meterMetrics["padding_ratio"] = workload.PaddingRatio;
        meterMetrics["effective_batch_size"] = workload.EffectiveBatchSize;
        var gpuName = meters.Gpu?.Gpus.FirstOrDefault()?.Device.Name;
        var flops = FlopsFor(model.Info, workload, window.DurationS, gpuName, Math.Max(1, meters.Gpu?.Gpus.Count ?? 1), config.PrecisionText);

        var record = new RawRecord
        {
            ToolVersion = EnvironmentInfo.CurrentToolVersion(),
            RunId = runId,
            Experiment = run.Experiment,
            Cycle = run.Cycle,
            WorkerIndex = worker,
            WorkerCount = workerCount,
            StartedUtc = started,
            EndedUtc = DateTimeOffset.UtcNow,
            Config = ParameterRecord.OfAll(config.Resolved),
            Environment = EnvironmentJson.From(EnvironmentInfoFor(meters), meters.Health, warmup, loadSeconds, model.Facts),
            Model = ModelRecord.From(model.Info, reused ? null : loadSeconds),
            Window = new WindowRecord(window.DurationS, windowBeginUtc, windowEndUtc),
            Tokens = new TokenCounts(workload.Requests.Count, workload.PromptTokens, workload.PaddedPromptTokens, workload.OutputTokens),
            Latency = LatencyRecords.From(metrics),
            Energy = energy,
            Baseline = baseline is null ? null : BaselineRecord.Create(baseline.Value.PowerW, baseline.Value.DurationS,
                EnergyComponents.Sum(energy.Where(e => baseline.Value.Components.Contains(e.Component))).EnergyJ, window.DurationS,
                baseline.Value.Components, baseline.Value.Cached),
            Carbon = CarbonFor(meters, energy),
            Flops = flops,
            Memory = new MemoryRecord(Process.GetCurrentProcess().PeakWorkingSet64, model.PeakDeviceMemoryBytes),
            Requests = workload.Requests.Select(RequestRecords.From).ToList(),
            Warnings = warnings,
        };
        var timeSeries = config.Measurement.TimeSeries ? window.Results.SelectMany(r => r.TimeSeries).ToList() : null;
        return new WorkerResult(RecordMetrics.Finish(record, meterMetrics), timeSeries);
    }

    /// <summary>
    /// Time and GPU energy of the two phases of every batch — prefill (batch start → first tokens on the host) and decode
    /// (first tokens → end) — summed over batches. Each GPU's energy-counter total over the window is apportioned by its
    /// instant power samples (<see cref="PowerWeightedPhaseSplit"/>: resolution the sample interval); a GPU without them
    /// falls back to the sampled counter series (<see cref="PhaseSplit"/>), which cannot resolve a phase shorter than
    /// the series' resolution. A phase energy is reported only when every batch's phase could be, flagged when any is
    /// low-confidence, and a <c>phase-energy-method</c> note says how it was obtained. The workload clock starts a few
    /// ms after the meters' window. A worker with several GPUs (a pipeline) sums their phase energies.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, double>> PhaseFigures(WindowMeasurement window, WorkloadRun workload, MeterSet meters,
        List<WarningRecord> warnings)
    {
        yield return new("prefill_time_s", workload.Batches.Sum(b => b.PrefillSeconds));
        yield return new("decode_time_s", workload.Batches.Sum(b => b.DecodeSeconds));
        var gpu = meters.Gpu;
        var result = window.Results.FirstOrDefault(r => r.MeterName == gpu?.Name);
        if (gpu is null || result is null || gpu.Gpus.Count == 0) yield break;
        var sampleIntervalMs = meters.Options.SampleIntervalMs > 0 ? meters.Options.SampleIntervalMs : (double?)null;
        var methods = new List<(string Label, string Method)>();
        var phases = gpu.Gpus.SelectMany(g =>
        {
            var prefix = g.Label.Replace(":", "", StringComparison.Ordinal);
            var series = PhaseSplit.CounterSeries(result, prefix);
            var weighted = PowerWeightedPhaseSplit.Create(PowerWeightedPhaseSplit.InstantPowerSeries(result, prefix), series, sampleIntervalMs);
            var period = gpu.CounterSeriesResolutionMs(g.Label);
            methods.Add((g.Label, weighted is not null
                ? FormattableString.Invariant($"the energy counter's total over the window apportioned by the trapezoid integral of instant power samples every {sampleIntervalMs:F0} ms, E_phase = E_counter × ∫P(phase) / ∫P(window)")
                : "differences of the sampled energy-counter series (no instant power samples to weigh it with), resolution "
                    + (period is { } p ? FormattableString.Invariant($"{p:F0} ms") : "unknown")));
            return workload.Batches.Select(b =>
            {
                var split = Math.Min(b.EndS, b.StartS + b.PrefillSeconds);
                return weighted?.Split(b.StartS, split, b.EndS) ?? PhaseSplit.Split(series, b.StartS, split, b.EndS, period);
            });
        }).ToArray();
        var reported = false;
        foreach (var (name, pick) in new (string, Func<(PhaseEnergy First, PhaseEnergy Second), PhaseEnergy>)[] { ("prefill", p => p.First), ("decode", p => p.Second) })
        {
            var parts = phases.Select(pick).ToArray();
            if (parts.Length == 0) continue;
            if (parts.Any(p => p.EnergyJ is null))
            {
                warnings.Add(new WarningRecord("phase-energy", $"{name} energy is not reported: {parts.First(p => p.EnergyJ is null).Note}",
                    "without power samples a phase shorter than the energy counter series' resolution cannot be measured: keep measurement.sample_interval above 0, or make phases longer (longer prompts or batches)"));
                continue;
            }
            if (parts.Any(p => p.LowConfidence))
                warnings.Add(new WarningRecord("phase-energy", $"{name} energy is low-confidence: {parts.First(p => p.LowConfidence).Note}"));
            reported = true;
            yield return new($"gpu_{name}_energy_j", parts.Sum(p => p.EnergyJ!.Value));
        }
        if (reported)
        {
            var byMethod = methods.GroupBy(m => m.Method).ToArray();
            var text = byMethod.Length == 1 ? byMethod[0].Key
                : string.Join("; ", byMethod.Select(m => $"{string.Join(", ", m.Select(x => x.Label))}: {m.Key}"));
            warnings.Add(new WarningRecord("phase-energy-method", $"gpu_prefill_energy_j and gpu_decode_energy_j: {text}"));
        }
    }

    /// <summary>Contiguous shares: worker k gets prompts [k·n/W, (k+1)·n/W) — every prompt runs exactly once.</summary>
    internal static IReadOnlyList<Prompt> Share(IReadOnlyList<Prompt> prompts, int worker, int workers)
    {
        var from = (int)((long)prompts.Count * worker / workers);
        var to = (int)((long)prompts.Count * (worker + 1) / workers);
        return prompts.Skip(from).Take(to - from).ToArray();
    }

    private static string DevicesText(IReadOnlyList<DeviceSpec> devices) => string.Join("+", devices);

    /// <param name="devices">The devices whose GPUs the NVML meter covers (energy per device); none: host meters only.</param>
    private static MeterOptions MeterOptionsFor(ExperimentConfig config, IReadOnlyList<DeviceSpec> devices) => new(
        devices.Select(d => d.ToString()).ToArray(),
        SampleIntervalMs: config.Measurement.SampleInterval.TotalMilliseconds,
        KeepTimeSeries: true,
        CpuTdpW: config.Estimates.CpuTdpW,
        RamWattsPerGb: config.Estimates.RamWPerGb,
        Carbon: new CarbonSettings(config.Carbon.IntensityGPerKwh, config.Carbon.Region, config.Carbon.Pue));

    private static Lem.Engine.Workload.Traffic.TrafficOptions TrafficOptionsFor(ExperimentConfig config) => new(
        config.Traffic.Mode,
        config.Traffic.Qps, config.Traffic.Seed, config.Traffic.Burstiness, config.Traffic.MaxWait);

    private static EnvironmentInfo EnvironmentInfoFor(MeterSet meters) => EnvironmentInfo.Collect(meters.Gpu is null ? null : new NvmlApi());

    private (double PowerW, double DurationS, IReadOnlyList<string> Components, bool Cached)? MeasureBaseline(
        ExperimentConfig config, MeterSet meters, List<WarningRecord> warnings)
    {
        if (config.Baseline.Duration <= TimeSpan.Zero) return null;
        if (meters.Gpu is null || !meters.Gpu.Health.Available)
        {
            warnings.Add(new WarningRecord("baseline", "baseline.duration is set but no GPU energy counter is available, so no idle baseline was measured", "run on a machine with an NVIDIA GPU, or set baseline.duration = 0s"));
            return null;
        }
        services.Log.WriteLine($"  idle baseline: {config.Baseline.Duration.TotalSeconds:F0} s (cached {config.Baseline.Ttl.TotalMinutes:F0} min)");
        var figures = IdleBaseline.GetOrMeasure(meters.Gpu, config.Baseline.Duration, new IdleBaselineCache(Path.Combine(LemPaths.CacheRoot(), "baselines"), config.Baseline.Ttl));
        if (figures.Count == 0)
        {
            warnings.Add(new WarningRecord("baseline", "no idle baseline could be measured: the GPU energy counter gave no figure (MIG, or the counter is unreadable)",
                "adjusted energy is not reported; see the GPU meter's note"));
            return null;
        }
        return (figures.Sum(f => f.PowerW), figures.Max(f => f.IdleDurationS), figures.Select(f => f.Component).ToArray(), figures.All(f => f.FromCache));
    }

    private WarmupTracker WarmUp(ExperimentConfig config, IBatchModel model, BatchPlan plan, GenerationSettings settings)
    {
        var policy = config.Warmup.Mode == WarmupMode.Fixed
            ? WarmupPolicy.Fixed(config.Warmup.Count)
            : WarmupPolicy.UntilStable(config.Warmup.Window, config.Warmup.CvThreshold, config.Warmup.Count);
        var tracker = policy.Start();
        var progress = ProgressLine.ForConsole();
        for (var step = 0; !tracker.IsDone; step++)
        {
            var batch = plan.Batches[step % plan.Batches.Count];
            progress.Update($"  warm-up step {step + 1} ...");
            var stopwatch = Stopwatch.StartNew();
            var generated = model.Generate(batch.Prompts.Select(p => p.TokenIds).ToArray(), settings);
            model.Synchronize();
            var tokens = Math.Max(1, generated.OutputTokens);
            tracker.Observe(stopwatch.Elapsed.TotalMilliseconds / tokens);
        }
        // every distinct batch shape once more, so that per-shape work (CUDA graph captures, kernel selection) happens
        // here and not in the measurement window
        var shapes = plan.Batches.GroupBy(b => (b.Prompts.Count, b.Prompts.Max(p => p.TokenIds.Length))).Select(g => g.First()).ToArray();
        foreach (var batch in shapes.Skip(1))
            model.Generate(batch.Prompts.Select(p => p.TokenIds).ToArray(), settings);
        model.Synchronize();
        progress.Done($"  warm-up: {tracker.StepsUsed} batches ({tracker.StopReason}){(shapes.Length > 1 ? $", then one batch of each of {shapes.Length - 1} other shapes" : "")}");
        return tracker;
    }

    /// <param name="gpuCount">The GPUs this worker's model uses (several for a pipeline): MFU and MBU are over all of them.</param>
    private static FlopsRecord FlopsFor(ModelInfo model, WorkloadRun workload, double windowS, string? gpuName, int gpuCount, string precision)
    {
        var requestsOfBatch = workload.Requests.ToLookup(r => r.BatchIndex);
        var shapes = workload.Batches.Select(b =>
        {
            var longestOutput = requestsOfBatch[b.Index].Select(r => r.OutputTokens).DefaultIfEmpty(0).Max();
            return BatchShape.Uniform(b.Rows, b.Rows == 0 ? 0 : (int)(b.PaddedPromptTokens / b.Rows), (int)longestOutput);
        }).ToArray();
        var estimate = FlopsEstimate.Estimate(shapes, workload.TracedFlops, model.ConfigJson, model.ParameterCount);
        var mfu = estimate.TotalFlops is { } total ? Mfu.ForDevice(total, windowS, gpuName, precision, gpuCount) : null;
        UtilisationFigure? mbu = null;
        try
        {
            var architecture = ArchitectureConfig.Parse(model.ConfigJson);
            mbu = Mbu.ForDecode(architecture, model.WeightBytes, shapes, precision, workload.Batches.Sum(b => b.DecodeSeconds), gpuName, gpuCount);
        }
        catch (FlopsInputException e)
        {
            mbu = new UtilisationFigure("mbu", null, e.Message);
        }
        return new FlopsRecord(estimate.MethodName, estimate.ConfidenceName + (estimate.Reason is { Length: > 0 } r ? $" ({r})" : ""),
            estimate.PrefillFlops, estimate.DecodeFlops, estimate.TotalFlops, estimate.FlopsPerOutputToken,
            mfu?.Ratio, mfu?.Note, mbu?.Ratio, mbu?.Note);
    }

    private static CarbonRecord? CarbonFor(MeterSet meters, IReadOnlyList<EnergyRecord> energy)
    {
        var total = EnergyComponents.Sum(energy).EnergyJ;
        var intensity = meters.ResolveCarbonIntensityAsync().GetAwaiter().GetResult();
        var estimate = meters.Carbon(total, intensity);
        return CarbonRecords.From(estimate, intensity);
    }

    private static string Summarise(PlannedRun run, string runId, AggregatedRecord record, WorkerResult[] workers)
    {
        string F(string metric, string format) => record.Metrics.TryGetValue(metric, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "NA";
        var text = new StringBuilder();
        text.AppendLine($"{run.Key} -> {runId}");
        text.AppendLine($"  tokens: {record.Tokens.PromptTokens} prompt, {record.Tokens.OutputTokens} output in {record.Window.DurationS:F2} s; {F(MetricNames.OutputTokensPerS, "F1")} output tok/s");
        text.AppendLine($"  latency: TTFT p50 {F(MetricNames.Latency(LatencyNames.Ttft, "p50"), "F1")} ms, TPOT p50 {F(MetricNames.Latency(LatencyNames.Tpot, "p50"), "F2")} ms");
        foreach (var e in record.Energy)
            text.AppendLine($"  energy {e.Component}: {(e.EnergyJ is { } j ? j.ToString("F2", CultureInfo.InvariantCulture) + " J" : "unavailable")} [{EnergySourceText.Of(e.Source)}{(e.LowConfidence ? ", low confidence" : "")}] {e.Note}");
        var totalSource = record.Energy.Count > 0 ? EnergySourceText.Of(EnergyComponents.Sum(record.Energy).Source) : "unavailable";
        text.AppendLine($"  energy per output token: {F(MetricNames.EnergyPerOutputTokenJ, "G4")} J, all components above [{totalSource}: the least trusted source among them]");
        if (record.Metrics.ContainsKey(MetricNames.EnergyGpuPerOutputTokenJ))
            text.AppendLine($"  GPU energy per output token: {F(MetricNames.EnergyGpuPerOutputTokenJ, "G4")} J");
        var warnings = workers.SelectMany(w => w.Record.Warnings).Select(w => w.Message).Distinct().ToList();
        foreach (var warning in warnings) text.AppendLine($"  warning: {warning}");
        return text.ToString().TrimEnd();
    }

    public void Dispose()
    {
        foreach (var pool in _pools) pool.Dispose();
    }
}
