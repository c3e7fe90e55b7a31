using Lem.Engine.Meters;
using Lem.Engine.Results;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

public class AggregationTests
{
    private const string Id = "20261125T120000000Z-abcdef-llama_bf16-c0";

    private static EnergyRecord Gpu(int index, double? j) => j is null
        ? new EnergyRecord($"gpu:{index}", null, EnergySource.Unavailable, "none", "MIG instance")
        : new EnergyRecord($"gpu:{index}", j, EnergySource.MeasuredCounter, "nvml counter");

    private static readonly EnergyRecord Cpu = new("cpu:package-0", 50, EnergySource.Estimated, "utilisation x TDP");

    /// <summary>Worker 0: window 0..10 s, gpu:0 1000 J + CPU 50 J. Worker 1: window 2..14 s, gpu:1 1500 J.</summary>
    private static List<RawRecord> TwoWorkers(bool withRequests = true) =>
    [
        Samples.Raw(Id, worker: 0, workers: 2, startOffsetS: 0, durationS: 10, energy: [Gpu(0, 1000), Cpu], withRequests: withRequests),
        Samples.Raw(Id, worker: 1, workers: 2, startOffsetS: 2, durationS: 12, energy: [Gpu(1, 1500)], withRequests: withRequests),
    ];

    [Fact]
    public void Energies_and_tokens_are_summed_across_workers_never_multiplied()
    {
        var a = RunAggregator.Aggregate(TwoWorkers(), RunStatus.Complete);

        Assert.Equal(new TokenCounts(8, 800, 1024, 400), a.Tokens);
        Assert.Equal(["gpu:0", "cpu:package-0", "gpu:1"], a.Energy.Select(e => e.Component));
        Assert.Equal(2550, a.Metrics[MetricNames.EnergyTotalJ], 9);
        Assert.Equal(2500, a.Metrics[MetricNames.EnergyGpuJ], 9);
        Assert.Equal(50, a.Metrics[MetricNames.EnergyCpuJ], 9);
        Assert.Equal(2550.0 / 400, a.Metrics[MetricNames.EnergyPerOutputTokenJ], 12);
        Assert.Equal(2550.0 / 1200, a.Metrics[MetricNames.EnergyPerTokenJ], 12);
        Assert.Equal(2500.0 / 400, a.Metrics[MetricNames.EnergyGpuPerOutputTokenJ], 12);
        Assert.Equal(6e12, a.Metrics[MetricNames.FlopsTotal], 0);
        Assert.Equal(2, a.WorkerCount);
        Assert.Equal(2, a.WorkersFound);
        Assert.Empty(a.AggregationNotes);
    }

    [Fact]
    public void The_window_is_the_union_of_worker_windows_and_rates_come_from_the_sums()
    {
        var a = RunAggregator.Aggregate(TwoWorkers(), RunStatus.Complete);

        Assert.Equal(Samples.T0, a.Window.BeginUtc);
        Assert.Equal(Samples.T0.AddSeconds(14), a.Window.EndUtc);
        Assert.Equal(14, a.Window.DurationS, 9);
        Assert.Equal(400 / 14.0, a.Throughput!.OutputTokensPerS!.Value, 12);
        Assert.Equal(1200 / 14.0, a.Metrics[MetricNames.TotalTokensPerS], 12);
        Assert.Equal(8 / 14.0, a.Metrics[MetricNames.RequestsPerS], 12);
        Assert.Equal(2550 / 14.0, a.Metrics[MetricNames.AvgPowerW], 12);
        Assert.Equal(Samples.T0.AddSeconds(-5), a.StartedUtc);
        Assert.Equal(Samples.T0.AddSeconds(15), a.EndedUtc);
    }

    [Fact]
    public void Latency_percentiles_are_pooled_from_per_request_records()
    {
        var a = RunAggregator.Aggregate(TwoWorkers(), RunStatus.Complete);

        // TTFT: worker 0 gives 10..13 ms, worker 1 gives 20..23 ms.
        var ttft = a.Latency[LatencyNames.Ttft];
        Assert.Equal(8, ttft.Count);
        Assert.Equal(16.5, ttft.MeanMs!.Value, 12);
        Assert.Equal(16.5, ttft.P50Ms!.Value, 12);
        Assert.Equal(23 - 0.07 * 1, ttft.P99Ms!.Value, 9);
        Assert.Equal(16.5, a.Metrics["ttft_ms_p50"], 12);
        Assert.Equal(8, a.Metrics["ttft_samples"]);
    }

    [Fact]
    public void Without_per_request_records_only_a_weighted_mean_is_given_and_said()
    {
        var a = RunAggregator.Aggregate(TwoWorkers(withRequests: false), RunStatus.Complete);

        var ttft = a.Latency[LatencyNames.Ttft];
        Assert.Equal(8, ttft.Count);
        Assert.Equal(16.5, ttft.MeanMs!.Value, 12);
        Assert.Null(ttft.P50Ms);
        Assert.Null(ttft.P99Ms);
        Assert.False(a.Metrics.ContainsKey("ttft_ms_p50"));
        Assert.Contains(a.AggregationNotes, n => n.StartsWith("ttft: percentiles not pooled", StringComparison.Ordinal));
    }

    [Fact]
    public void A_shared_component_seen_by_overlapping_workers_is_not_double_counted()
    {
        var records = new List<RawRecord>
        {
            Samples.Raw(Id, worker: 0, workers: 2, startOffsetS: 0, durationS: 10, energy: [Gpu(0, 1000), Cpu]),
            Samples.Raw(Id, worker: 1, workers: 2, startOffsetS: 2, durationS: 12, energy: [Gpu(1, 1500), Cpu]),
        };
        var a = RunAggregator.Aggregate(records, RunStatus.Complete);

        var cpu = a.Energy.Single(e => e.Component == "cpu:package-0");
        Assert.Null(cpu.EnergyJ);
        Assert.Equal(EnergySource.Unavailable, cpu.Source);
        Assert.Contains("overlapping windows", cpu.Note);
        Assert.False(a.Metrics.ContainsKey(MetricNames.EnergyCpuJ));
        Assert.False(a.Metrics.ContainsKey(MetricNames.EnergyTotalJ));
        Assert.Equal(2500, a.Metrics[MetricNames.EnergyGpuJ], 9);
    }

    [Fact]
    public void A_component_measured_by_workers_one_after_another_is_summed()
    {
        var records = new List<RawRecord>
        {
            Samples.Raw(Id, worker: 0, workers: 2, startOffsetS: 0, durationS: 10, energy: [Gpu(0, 1000)]),
            Samples.Raw(Id, worker: 1, workers: 2, startOffsetS: 10, durationS: 10, energy: [new EnergyRecord("gpu:0", 900, EnergySource.MeasuredSamples, "power samples, trapezoid")]),
        };
        var a = RunAggregator.Aggregate(records, RunStatus.Complete);

        var gpu = Assert.Single(a.Energy);
        Assert.Equal(1900, gpu.EnergyJ!.Value, 9);
        Assert.Equal(EnergySource.MeasuredSamples, gpu.Source);
        Assert.Contains("mixed sources", gpu.Note);
        Assert.Equal(20, a.Window.DurationS, 9);
    }

    [Fact]
    public void Unavailable_energy_stays_null_through_aggregation()
    {
        var records = new List<RawRecord>
        {
            Samples.Raw(Id, worker: 0, workers: 2, energy: [Gpu(0, 1000)]),
            Samples.Raw(Id, worker: 1, workers: 2, energy: [Gpu(1, null)]),
        };
        var a = RunAggregator.Aggregate(records, RunStatus.Complete);

        var unavailable = a.Energy.Single(e => e.Component == "gpu:1");
        Assert.Null(unavailable.EnergyJ);
        Assert.Equal(EnergySource.Unavailable, unavailable.Source);
        Assert.False(a.Metrics.ContainsKey(MetricNames.EnergyGpuJ));
        Assert.False(a.Metrics.ContainsKey(MetricNames.EnergyTotalJ));
        Assert.False(a.Metrics.ContainsKey(MetricNames.EnergyPerOutputTokenJ));
        Assert.Equal((null, EnergySource.Unavailable), EnergyComponents.Sum(a.Energy));
    }

    [Fact]
    public void A_component_unavailable_in_one_of_its_parts_is_unavailable_not_a_partial_sum()
    {
        var records = new List<RawRecord>
        {
            Samples.Raw(Id, worker: 0, workers: 2, startOffsetS: 0, energy: [Gpu(0, 1000)]),
            Samples.Raw(Id, worker: 1, workers: 2, startOffsetS: 20, energy: [Gpu(0, null)]),
        };
        var gpu = Assert.Single(RunAggregator.Aggregate(records, RunStatus.Complete).Energy);
        Assert.Null(gpu.EnergyJ);
        Assert.Contains("worker 1: MIG instance", gpu.Note);
    }

    [Fact]
    public void Utilisation_memory_model_and_meter_metrics_are_combined_as_documented()
    {
        var a = RunAggregator.Aggregate(TwoWorkers(), RunStatus.Complete);

        Assert.Equal((0.2 * 10 + 0.2 * 12) / (2 * 14.0), a.Flops!.Mfu!.Value, 12);
        Assert.Equal((0.5 * 10 + 0.5 * 12) / (2 * 14.0), a.Flops.Mbu!.Value, 12);
        Assert.Equal(2_000_000_001, a.Memory!.PeakProcessRssBytes);
        Assert.Equal(3_000_000_001, a.Memory.PeakDeviceBytes);
        Assert.Equal(4.5, a.Model!.LoadTimeS);
        Assert.Equal(60, a.Metrics["worker0_gpu0_max_temperature_c"]);
        Assert.Equal(61, a.Metrics["worker1_gpu1_max_temperature_c"]);
        Assert.Single(a.Warnings);
        Assert.Equal(1000, a.Environment["worker_pid"]!.GetValue<int>());
        Assert.Equal(1001, a.Environment["worker1.worker_pid"]!.GetValue<int>());
        Assert.False(a.Environment.ContainsKey("worker1.gpu_name"));
    }

    [Fact]
    public void One_worker_aggregates_to_its_own_figures()
    {
        var raw = Samples.Raw(Id);
        var a = RunAggregator.Aggregate([raw], RunStatus.Complete, "fp");

        Assert.Equal(raw.Metrics.OrderBy(kv => kv.Key), a.Metrics.OrderBy(kv => kv.Key));
        Assert.Equal(raw.Window, a.Window);
        Assert.Equal("fp", a.SourceFingerprint);
        Assert.Equal(ResultJson.Serialize(raw.Latency), ResultJson.Serialize(a.Latency));
    }

    [Fact]
    public void Records_of_different_runs_are_refused()
    {
        var records = new List<RawRecord> { Samples.Raw(Id, worker: 0, workers: 2), Samples.Raw(Id, worker: 1, workers: 2, experiment: "other") };
        var error = Assert.Throws<ResultsException>(() => RunAggregator.Aggregate(records, RunStatus.Complete));
        Assert.Contains("worker 1", error.Message);
        Assert.Throws<ResultsException>(() => RunAggregator.Aggregate([Samples.Raw(Id), Samples.Raw(Id)], RunStatus.Complete));
    }
}
