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
        CarbonIntensity CarbonIntensity);

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
        foreach (var result in window.Results)
            warnings.AddRange(result.Warnings.Select(w => new WarningRecord("meter:" + result.MeterName, w)));
        // host energy attributed to the processes doing the work (lem, or a launched server's tree), the machine's beside
        // it; host prefill/decode from the marks the workload set (batches, or requests one at a time)
        var phases = workload.Batches.Count > 0
            ? workload.Batches.Select(b => new PhaseMarks(b.StartS, Math.Min(b.EndS, b.StartS + b.PrefillSeconds), b.EndS)).ToArray()
            : workload.Requests.Where(r => r.Succeeded && r.FirstTokenS is not null).Select(r => new PhaseMarks(r.StartS, r.FirstTokenS!.Value, r.EndS)).ToArray();
        var host = HostEnergyRecords.Build(window.Results, window.DurationS, phases, inputs.HostBaselines, meters.Process?.Processes.Description);
        var energy = host.Energy.ToList();
        warnings.AddRange(host.Warnings);

        // canonical metrics (window duration, energies...) are derived from the record's sections, not taken from meters
        var meterMetrics = window.Results.SelectMany(r => r.Metrics).Where(p => !MetricNames.IsCanonical(p.Key))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
        meterMetrics["warmup_steps"] = inputs.Warmup.StepsUsed;
        if (measured.HostSpanS is { } spanS) meterMetrics["host_energy_span_s"] = spanS;
        if (metrics.GoodputRequestsPerS is { } goodputPerS) meterMetrics["goodput_requests_per_s"] = goodputPerS;
        if (plan.Shape == ExecutionShape.Request) meterMetrics["failed_requests"] = workload.FailedRequests;
        foreach (var (name, value) in PhaseFigures.Of(window, workload, meters, warnings)) meterMetrics[name] = value;
        foreach (var (name, value) in host.PhaseMetrics) meterMetrics[name] = value;
        // counters among the backend facts (CUDA graph captures, replays) count since load: record this window's share
        foreach (var (name, value) in model.Facts)
            if (value is int or long or double)
                meterMetrics[name + "_in_window"] = Convert.ToDouble(value, CultureInfo.InvariantCulture)
                    - (measured.FactsBefore.TryGetValue(name, out var before) ? Convert.ToDouble(before, CultureInfo.InvariantCulture) : 0);
        if (workload.PaddingRatio is { } padding) meterMetrics["padding_ratio"] = padding;
        if (workload.EffectiveBatchSize is { } rows) meterMetrics["effective_batch_size"] = rows;
        var gpuName = meters.Gpu?.Gpus.FirstOrDefault()?.Name;
        var flops = FlopsFor(model.Info, workload, window.DurationS, gpuName, Math.Max(1, meters.Gpu?.Gpus.Count ?? 1), config.PrecisionText);

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
            Environment = EnvironmentJson.From(inputs.Environment, meters.Health, inputs.Warmup, inputs.LoadSeconds, model.Facts),
            Model = ModelRecord.From(model.Info, inputs.Reused ? null : inputs.LoadSeconds),
            Window = new WindowRecord(window.DurationS, measured.BeginUtc, measured.EndUtc,
                plan.Shape == ExecutionShape.Request ? "request" : "batch",
                plan.Shape == ExecutionShape.Request ? "first-send-to-last-response" : "device-synchronised"),
            Tokens = new TokenCounts(workload.Requests.Count(r => r.Succeeded), workload.PromptTokens, workload.PaddedPromptTokens, workload.OutputTokens),
            Latency = LatencyRecords.From(metrics),
            Energy = energy,
            Host = host.Host,
            WorkloadFingerprint = inputs.Workload.Fingerprint,
            Baseline = inputs.Baseline is not { } baseline ? null : BaselineRecord.Create(baseline.PowerW, baseline.DurationS,
                EnergyComponents.Sum(energy.Where(e => baseline.Components.Contains(e.Component))).EnergyJ, window.DurationS,
                baseline.Components, baseline.Cached),
            Carbon = CarbonFor(meters, energy, inputs.CarbonIntensity),
            Flops = flops,
            Memory = new MemoryRecord(host.PeakRssBytes, model.PeakDeviceMemoryBytes, host.PeakRssMethod),
            Requests = workload.Requests.Select(RequestRecords.From).ToList(),
            Warnings = warnings,
        };
        var series = window.Results.SelectMany(r => r.TimeSeries).ToList();
        // the steady-state target is read from the record (SteadyStateTarget), so it is the same wherever a record is judged
        var validity = new ValidityInputs(series, config.Measurement.SampleInterval.TotalMilliseconds);
        return (RecordMetrics.Finish(record, meterMetrics, validity), config.Measurement.TimeSeries ? series : null);
    }

    /// <summary>
    /// FLOPs from the backend's trace where it gave one, else analytical per batch (batch shape: rows × padded prompt,
    /// longest output) or per request (request shape: each request its own prompt and output). MBU needs decode-only
    /// time, which exists per batch; requests a server serves together overlap, so MBU is left out there with the reason.
    /// </summary>
    /// <param name="gpuCount">The GPUs this worker's model uses (several for a pipeline): MFU and MBU are over all of them.</param>
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
                mbu = Mbu.ForDecode(architecture, model.WeightBytes, shapes, precision, workload.Batches.Sum(b => b.DecodeSeconds), gpuName, gpuCount);
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
