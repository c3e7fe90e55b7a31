using System.Diagnostics;
using System.Globalization;
using Lem.Engine.Flops;
using Lem.Engine.Flops.Analytical;
using Lem.Engine.Flops.Utilisation;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Metrics;
using Lem.Engine.Results;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;
using Lem.Engine.Config;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results.Validity;
using Lem.Engine.Workload;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// Last stage of a worker: turns the window, the workload's records and the backend's facts into one raw record
/// (throughput, latencies, energy with sources, baseline, carbon, FLOPs and MFU/MBU, memory, per-request records,
/// warnings). Per-batch figures (padding, phase split) exist only in the batch shape and are absent otherwise.
/// </summary>
public static class RecordStage
{
    public sealed record Inputs(
        RunPlan Plan,
        string RunId,
        int Worker,
        DateTimeOffset StartedUtc,
        ILoadedModel Model,
        double LoadSeconds,
        bool Reused,
        MeterSet Meters,
        IdleBaselineResult? Baseline,
        IReadOnlyList<IdleBaselineFigure> HostBaselines,
        WarmupTracker Warmup,
        MeasuredWindow Measured,
        PreparedWorkload Workload,
        EnvironmentInfo Environment,
        List<WarningRecord> Warnings,
        CarbonIntensity CarbonIntensity)
    {
        /// <summary>Energy of this run's model load, per component; null when the model was reused.</summary>
        public IReadOnlyList<EnergyRecord>? LoadEnergy { get; init; }

        /// <summary>Whether this process runs one run of a cold-start campaign (<see cref="RunnerServices.ColdStart"/>).</summary>
        public bool ColdStart { get; init; }
    }

    public static (RawRecord Record, IReadOnlyList<TimeSeriesPoint>? TimeSeries) Build(Inputs inputs)
    {
        var (plan, model, meters, measured, warnings) = (inputs.Plan, inputs.Model, inputs.Meters, inputs.Measured, inputs.Warnings);
        var config = plan.Config;
        var window = measured.Window;
        var workload = measured.Workload;
        warnings.AddRange(model.Warnings.Select(w => new WarningRecord("backend", w)));
        warnings.AddRange(workload.Warnings.Select(w => new WarningRecord("workload", w)));
        warnings.AddRange(model.WindowWarnings(measured.FactsBefore).Select(w => new WarningRecord(w.Code, w.Message, w.Remedy)));
        if (plan.Shape == ExecutionShape.Request)
            warnings.Add(new WarningRecord("window-edges",
                "the window runs from the first request sent to the last response received; the server's device is synchronised by the server, not by lem",
                "work the server does after its last response (none for a streaming server) would fall outside the window"));

        var goodput = config.Goodput.Any ? new GoodputTargets(config.Goodput.TtftMs, config.Goodput.TpotMs, null) : null;
        var metrics = WorkloadMetricsCalculator.Compute(workload, window.DurationS, goodput);
        // host prefill/decode from the marks the workload set (batches, or requests one at a time)
        var phases = workload.Batches.Count > 0
            ? workload.Batches.Select(b => new PhaseMarks(b.StartS, Math.Min(b.EndS, b.StartS + b.PrefillSeconds), b.EndS)).ToArray()
            : workload.Requests.Where(r => r.Succeeded && r.FirstTokenS is not null).Select(r => new PhaseMarks(r.StartS, r.FirstTokenS!.Value, r.EndS)).ToArray();
        var (energy, host, meterMetrics) = WindowFigures(window, phases, inputs.HostBaselines, meters, warnings);
        meterMetrics["warmup_steps"] = inputs.Warmup.StepsUsed;
        if (measured.HostSpanS is { } spanS) meterMetrics["host_energy_span_s"] = spanS;
        if (metrics.GoodputRequestsPerS is { } goodputPerS) meterMetrics["goodput_requests_per_s"] = goodputPerS;
        if (plan.Shape == ExecutionShape.Request) meterMetrics["failed_requests"] = workload.FailedRequests;
        foreach (var (name, value) in PhaseFigures.Of(window, workload, meters, warnings)) meterMetrics[name] = value;
        // counters among the backend facts (CUDA graph captures, replays) count since load: record this window's share
        foreach (var (name, value) in model.Facts)
            if (value is int or long or double && model.CounterFacts.Contains(name))
                meterMetrics[name + "_in_window"] = Convert.ToDouble(value, CultureInfo.InvariantCulture)
                    - (measured.FactsBefore.TryGetValue(name, out var before) ? Convert.ToDouble(before, CultureInfo.InvariantCulture) : 0);
        if (workload.PaddingRatio is { } padding) meterMetrics["padding_ratio"] = padding;
        if (workload.EffectiveBatchSize is { } rows) meterMetrics["effective_batch_size"] = rows;
        var gpuName = meters.Gpu?.Gpus.FirstOrDefault()?.Name;
        // the precision the model runs at as its backend reports it (a server may choose its own where precision is unset)
        var flops = FlopsFor(model.Info, workload, window.DurationS, gpuName, Math.Max(1, meters.Gpu?.Gpus.Count ?? 1), model.Info.Precision);

        var record = new RawRecord
        {
            ToolVersion = EnvironmentInfo.CurrentToolVersion(),
            RunId = inputs.RunId,
            Experiment = plan.Run.Experiment,
            Cycle = plan.Run.Cycle,
            WorkerIndex = inputs.Worker,
            WorkerCount = plan.WorkerCount,
            StartedUtc = inputs.StartedUtc,
            EndedUtc = DateTimeOffset.UtcNow,
            Config = ParameterRecord.OfAll(config.Resolved),
            Environment = EnvironmentJson.From(inputs.Environment, meters.Health, inputs.Warmup, inputs.LoadSeconds, model.Facts, inputs.ColdStart),
            Model = ModelRecord.From(model.Info, inputs.Reused ? null : inputs.LoadSeconds, inputs.Reused ? null : inputs.LoadEnergy),
            Window = new WindowRecord(window.DurationS, measured.BeginUtc, measured.EndUtc,
                plan.Shape == ExecutionShape.Request ? "request" : "batch",
                plan.Shape == ExecutionShape.Request ? "first-send-to-last-response" : "device-synchronised"),
            Tokens = new TokenCounts(workload.Requests.Count(r => r.Succeeded), workload.PromptTokens, workload.PaddedPromptTokens, workload.OutputTokens),
            Latency = LatencyRecords.From(metrics),
            Energy = energy,
            Host = host.Host,
            WorkloadFingerprint = inputs.Workload.Fingerprint,
            Baseline = BaselineRecordOf(inputs.Baseline, energy, window.DurationS),
            Carbon = CarbonFor(meters, energy, inputs.CarbonIntensity),
            Flops = flops,
            Memory = new MemoryRecord(host.PeakRssBytes, model.PeakDeviceMemoryBytes, host.PeakRssMethod),
            Requests = workload.Requests.Select(RequestRecords.From).ToList(),
            Warnings = warnings,
        };
        return Finish(record, meterMetrics, window, config);
    }

    /// <summary>What a measured command's window gave, for <see cref="BuildCommand"/>.</summary>
    public sealed record CommandInputs(
        ExperimentConfig Config,
        string RunId,
        string Experiment,
        int Cycle,
        DateTimeOffset StartedUtc,
        MeterSet Meters,
        IdleBaselineResult? Baseline,
        IReadOnlyList<IdleBaselineFigure> HostBaselines,
        WindowMeasurement Window,
        DateTimeOffset BeginUtc,
        DateTimeOffset EndUtc,
        CommandRecord Command,
        TokenCounts Tokens,
        EnvironmentInfo Environment,
        List<WarningRecord> Warnings,
        CarbonIntensity CarbonIntensity)
    {
        /// <summary>Energy of this run's model load, per component; null when the model was reused.</summary>
        public IReadOnlyList<EnergyRecord>? LoadEnergy { get; init; }

        /// <summary>Whether this process runs one run of a cold-start campaign (<see cref="RunnerServices.ColdStart"/>).</summary>
        public bool ColdStart { get; init; }
    }

    /// <summary>
    /// The raw record of a measured command (<c>lem measure</c>): the same energy, host, baseline, carbon, environment,
    /// validity and time series as an experiment's, with the tokens the program reported (null where it reported none)
    /// and no model, latency, FLOPs or per-request figures, which a program lem did not drive cannot give.
    /// </summary>
    public static (RawRecord Record, IReadOnlyList<TimeSeriesPoint>? TimeSeries) BuildCommand(CommandInputs inputs)
    {
        var (config, window, meters, warnings) = (inputs.Config, inputs.Window, inputs.Meters, inputs.Warnings);
        var (energy, host, meterMetrics) = WindowFigures(window, [], inputs.HostBaselines, meters, warnings);
        var record = new RawRecord
        {
            ToolVersion = EnvironmentInfo.CurrentToolVersion(),
            RunId = inputs.RunId,
            Experiment = inputs.Experiment,
            Cycle = inputs.Cycle,
            StartedUtc = inputs.StartedUtc,
            EndedUtc = DateTimeOffset.UtcNow,
            // only the settings that bear on a measured command (no model, backend or workload)
            Config = ParameterRecord.OfAll(config.Resolved.Where(p => Commands.CommandRun.Parameters.Contains(p.Key))),
            Environment = EnvironmentJson.From(inputs.Environment, meters.Health, null, null, new Dictionary<string, object>()),
            Window = new WindowRecord(window.DurationS, inputs.BeginUtc, inputs.EndUtc, "command", "command-start-to-exit"),
            Tokens = inputs.Tokens,
            Energy = energy,
            Host = host.Host,
            Baseline = BaselineRecordOf(inputs.Baseline, energy, window.DurationS),
            Carbon = CarbonFor(meters, energy, inputs.CarbonIntensity),
            Memory = new MemoryRecord(host.PeakRssBytes, null, host.PeakRssMethod),
            Command = inputs.Command,
            Warnings = warnings,
        };
        return Finish(record, meterMetrics, window, config);
    }

    /// <summary>
    /// The figures every record takes from its window: the meters' warnings, the energy list with host energy
    /// attributed to the measured processes (the machine's figures beside it in the host section, host phase energies
    /// from <paramref name="phases"/>), and the meters' own metrics.
    /// </summary>
    private static (List<EnergyRecord> Energy, HostEnergyRecords.Parts Host, Dictionary<string, double> MeterMetrics) WindowFigures(
        WindowMeasurement window, IReadOnlyList<PhaseMarks> phases, IReadOnlyList<IdleBaselineFigure> hostBaselines, MeterSet meters, List<WarningRecord> warnings)
    {
        foreach (var result in window.Results)
            warnings.AddRange(result.Warnings.Select(w => new WarningRecord("meter:" + result.MeterName, w)));
        var host = HostEnergyRecords.Build(window.Results, window.DurationS, phases, hostBaselines, meters.Process?.Processes.Description);
        warnings.AddRange(host.Warnings);
        // canonical metrics (window duration, energies...) are derived from the record's sections, not taken from meters
        var meterMetrics = window.Results.SelectMany(r => r.Metrics).Where(p => !MetricNames.IsCanonical(p.Key))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
        foreach (var (name, value) in host.PhaseMetrics) meterMetrics[name] = value;
        return (host.Energy.ToList(), host, meterMetrics);
    }

    private static BaselineRecord? BaselineRecordOf(IdleBaselineResult? baseline, IReadOnlyList<EnergyRecord> energy, double windowS) =>
        baseline is null ? null : BaselineRecord.Create(baseline.PowerW, baseline.DurationS,
            EnergyComponents.Sum(energy.Where(e => baseline.Components.Contains(e.Component))).EnergyJ, windowS, baseline.Components, baseline.Cached);

    /// <summary>Derived metrics and the validity verdict (with the window's time series); the series kept when measurement.time_series is on.</summary>
    /// <remarks>The steady-state target is read from the record (<see cref="SteadyStateTarget"/>), so it is the same wherever a record is judged.</remarks>
    private static (RawRecord, IReadOnlyList<TimeSeriesPoint>?) Finish(RawRecord record, Dictionary<string, double> meterMetrics, WindowMeasurement window,
        ExperimentConfig config)
    {
        var series = window.Results.SelectMany(r => r.TimeSeries).ToList();
        var validity = new ValidityInputs(series, config.Measurement.SampleInterval.TotalMilliseconds);
        return (RecordMetrics.Finish(record, meterMetrics, validity), config.Measurement.TimeSeries ? series : null);
    }

    /// <summary>
    /// FLOPs from the backend's trace where it gave one, else analytical per batch (batch shape: rows × padded prompt,
    /// longest output) or per request (request shape: each request its own prompt and output). MBU needs decode-only
    /// time, which exists per batch; requests a server serves together overlap, so MBU is left out there with the reason.
    /// </summary>
    /// <param name="gpuCount">The GPUs this worker's model uses (several for a pipeline or a tensor split): MFU and MBU are over all of them.</param>
    private static FlopsRecord FlopsFor(ModelInfo model, WorkloadRun workload, double windowS, string? gpuName, int gpuCount, string precision)
    {
        BatchShape[] shapes;
        if (workload.Batches.Count > 0)
        {
            var requestsOfBatch = workload.Requests.ToLookup(r => r.BatchIndex);
            shapes = workload.Batches.Select(b =>
            {
                var longestOutput = requestsOfBatch[b.Index].Select(r => r.OutputTokens).DefaultIfEmpty(0).Max();
                return BatchShape.Uniform(b.Rows, b.Rows == 0 ? 0 : (int)(b.PaddedPromptTokens / b.Rows), longestOutput);
            }).ToArray();
        }
        else
        {
            shapes = workload.Requests.Where(r => r.Succeeded).Select(r => BatchShape.Uniform(1, r.PromptTokens, r.OutputTokens)).ToArray();
        }
        var estimate = FlopsEstimate.Estimate(shapes, workload.TracedFlops, model.ConfigJson, model.ParameterCount);
        var mfu = estimate.TotalFlops is { } total ? Mfu.ForDevice(total, windowS, gpuName, precision, gpuCount) : null;
        UtilisationFigure? mbu;
        if (workload.Batches.Count == 0)
        {
            mbu = new UtilisationFigure("mbu", null, "not reported: requests the backend serves together overlap, so there is no decode-only time to divide the bytes by");
        }
        else
        {
            try
            {
                var architecture = ArchitectureConfig.Parse(model.ConfigJson);
                mbu = Mbu.ForDecode(architecture, model.WeightBytes, shapes, model.KvCacheType ?? precision, workload.Batches.Sum(b => b.DecodeSeconds), gpuName, gpuCount);
            }
            catch (FlopsInputException e)
            {
                mbu = new UtilisationFigure("mbu", null, e.Message);
            }
        }
        return new FlopsRecord(estimate.MethodName, estimate.ConfidenceName + (estimate.Reason is { Length: > 0 } r ? $" ({r})" : ""),
            estimate.PrefillFlops, estimate.DecodeFlops, estimate.TotalFlops, estimate.FlopsPerOutputToken,
            mfu?.Ratio, mfu?.Note, mbu?.Ratio, mbu?.Note);
    }

    private static CarbonRecord? CarbonFor(MeterSet meters, IReadOnlyList<EnergyRecord> energy, CarbonIntensity intensity)
    {
        var total = EnergyComponents.Sum(energy).EnergyJ;
        var estimate = meters.Carbon(total, intensity);
        return CarbonRecords.From(estimate, intensity);
    }
}
