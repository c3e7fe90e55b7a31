using Lem.Engine.Meters;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Validity;

namespace Lem.Engine.Tests.Results.Validity;

public class ValidityTests
{
    private static RawRecord Gpu(double energyJ = 3000, double windowS = 10, Dictionary<string, double>? metrics = null, bool lowConfidence = false,
        IReadOnlyList<RequestRecord>? requests = null, double? idleW = null)
    {
        var raw = Samples.Raw("r", durationS: windowS, energy: [new EnergyRecord("gpu:0", energyJ, EnergySource.MeasuredCounter, "nvml", LowConfidence: lowConfidence)]);
        if (requests is not null) raw = raw with { Requests = requests };
        if (idleW is { } idle) raw = raw with { Baseline = BaselineRecord.Create(idle, 30, energyJ, windowS, ["gpu:0"]) };
        return RecordMetrics.Finish(raw, metrics ?? new Dictionary<string, double>
        {
            ["gpu0_sample_count"] = 101, ["gpu0_power_limit_w"] = 700, ["gpu0_counter_update_period_ms"] = 100,
        });
    }

    private static ValidityCheck Check(RawRecord r, string prefix) => Assert.Single(r.Validity!.Checks, c => c.Name.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public void Finish_stores_a_verdict_whose_status_is_its_worst_check()
    {
        var r = Gpu();
        Assert.NotNull(r.Validity);
        Assert.Equal(r.Validity!.Checks.Max(c => c.Status), r.Validity.Status);
        Assert.Equal(ValidityStatus.Pass, Check(r, "window-resolution (gpu:0)").Status);
        Assert.Contains("100 counter updates of 100 ms", Check(r, "window-resolution").Detail);
        var json = ResultJson.Serialize(r);
        Assert.Contains("\"status\": \"pass\"", json);
        Assert.Equal(r.Validity.Status, ResultJson.Deserialize<RawRecord>(json, "raw.json").Validity!.Status);
    }

    [Fact]
    public void A_short_window_warns_and_a_missing_figure_fails()
    {
        Assert.Equal(ValidityStatus.Warn, Check(Gpu(lowConfidence: true), "window-resolution").Status);
        var missing = RecordMetrics.Finish(Samples.Raw("r", gpuJ: null));
        Assert.Equal(ValidityStatus.Fail, Check(missing, "window-resolution (gpu:0)").Status);
        Assert.Equal(ValidityStatus.Fail, missing.Validity!.Status);
    }

    [Fact]
    public void Power_sample_coverage_from_the_sample_count_or_from_the_series_gaps()
    {
        // config measurement.sample_interval is not in the sample config: the runner's interval is given instead
        var counted = ValidityEvaluator.Evaluate(Gpu(metrics: new() { ["gpu0_sample_count"] = 41 }), new ValidityInputs(SampleIntervalMs: 100));
        var check = Assert.Single(counted.Checks, c => c.Name.StartsWith("power-sample-coverage"));
        Assert.Equal(0.4, check.Value!.Value, 9); // 40 intervals of 100 ms over 10 s
        Assert.Equal(ValidityStatus.Fail, check.Status);

        var series = Enumerable.Range(0, 101).Where(i => i is < 30 or > 40).Select(i => new TimeSeriesPoint(i * 0.1, "gpu0_instant_power_w", 300)).ToList();
        var gapped = ValidityEvaluator.Evaluate(Gpu(), new ValidityInputs(series, 100));
        var coverage = Assert.Single(gapped.Checks, c => c.Name.StartsWith("power-sample-coverage"));
        Assert.Equal(1 - 1.2 / 10, coverage.Value!.Value, 9); // one gap from 2.9 s to 4.1 s
        Assert.Equal(ValidityStatus.Warn, coverage.Status);
        Assert.Equal(coverage.Value, gapped.Figures![MetricNames.PowerSampleCoverage]);
    }

    [Fact]
    public void Mean_gpu_power_must_lie_between_idle_and_the_power_limit()
    {
        Assert.Equal(ValidityStatus.Pass, Check(Gpu(3000, idleW: 70), "gpu-power-range").Status);       // 300 W
        Assert.Equal(ValidityStatus.Warn, Check(Gpu(600, idleW: 70), "gpu-power-range").Status);        // 60 W: 14% below idle
        var below = Check(Gpu(300, idleW: 70), "gpu-power-range");                                     // 30 W
        Assert.Equal(ValidityStatus.Fail, below.Status);
        Assert.Contains("below idle", below.Detail);
        Assert.Equal(ValidityStatus.Fail, Check(Gpu(8000), "gpu-power-range").Status);                  // 800 W over a 700 W limit
        Assert.Contains("idle unknown", Check(Gpu(3000), "gpu-power-range").Detail);
    }

    [Fact]
    public void Counter_and_integrated_power_must_agree_in_windows_long_enough_to_judge()
    {
        Dictionary<string, double> With(double diff) => new() { ["gpu0_sample_count"] = 101, ["gpu0_samples_vs_counter_rel_diff"] = diff };
        Assert.Equal(ValidityStatus.Pass, Check(Gpu(metrics: With(0.03)), "counter-vs-samples").Status);
        Assert.Equal(ValidityStatus.Warn, Check(Gpu(metrics: With(-0.08)), "counter-vs-samples").Status);
        Assert.Equal(ValidityStatus.Fail, Check(Gpu(metrics: With(0.2)), "counter-vs-samples").Status);
        var short_ = Check(Gpu(windowS: 2, metrics: With(0.2)), "counter-vs-samples");
        Assert.Equal(ValidityStatus.Pass, short_.Status);
        Assert.Contains("not judged", short_.Detail);
    }

    [Fact]
    public void Throttling_warns_with_its_reasons()
    {
        var r = Gpu(metrics: new() { ["gpu0_sample_count"] = 101, ["gpu0_throttle_sw_power_cap_s"] = 1.5, ["gpu0_throttle_hw_slowdown_s"] = 0 });
        var check = Check(r, "throttling (gpu:0)");
        Assert.Equal(ValidityStatus.Warn, check.Status);
        Assert.Contains("sw_power_cap 1.5 s", check.Detail);
        Assert.Equal(ValidityStatus.Pass, Check(Gpu(), "throttling").Status);
    }

    [Fact]
    public void Steady_state_is_the_share_of_the_window_at_the_target_in_flight_with_its_energy_from_the_power_series()
    {
        // batch size 2 (config): requests 0,1 in flight 0–6 s, request 2 alone 6–8 s, nothing 8–10 s
        var requests = new[]
        {
            new RequestRecord(0, 10, 5, 0, 100, 6000, 10, StartS: 0),
            new RequestRecord(1, 10, 5, 0, 100, 6000, 10, StartS: 0),
            new RequestRecord(2, 10, 5, 0, 100, 8000, 10, StartS: 6),
        };
        var raw = Samples.Raw("r", batchSize: 2, energy: [new EnergyRecord("gpu:0", 2400, EnergySource.MeasuredCounter, "nvml")]) with { Requests = requests };
        // 300 W up to 6 s, 100 W from 6.1 s: ∫ = 1800 (steady part) + 20 (the 6.0–6.1 s ramp) + 390 = 2210 J over the window
        var series = Enumerable.Range(0, 101).Select(i => new TimeSeriesPoint(i * 0.1, "gpu0_instant_power_w", i * 0.1 <= 6 ? 300 : 100)).ToList();
        var verdict = ValidityEvaluator.Evaluate(RecordMetrics.Finish(raw), new ValidityInputs(series, 100));
        var steady = Assert.Single(verdict.Checks, c => c.Name == "steady-state");
        Assert.Equal(0.6, steady.Value!.Value, 9);
        Assert.Equal(ValidityStatus.Warn, steady.Status);
        Assert.Equal(2400 * 1800.0 / 2210, verdict.Figures![MetricNames.EnergySteadyStateJ], 6);
        Assert.Contains("from power samples", steady.Detail);

        var meanPower = ValidityEvaluator.Evaluate(RecordMetrics.Finish(raw));
        Assert.Equal(2400 * 0.6, meanPower.Figures![MetricNames.EnergySteadyStateJ], 9);
        var finished = RecordMetrics.Finish(raw, validity: new ValidityInputs(series, 100));
        Assert.Equal(0.6, finished.Metrics[MetricNames.SteadyStateShare], 9);
        Assert.Equal(ValidityStatus.Pass, ValidityEvaluator.Evaluate(finished, new ValidityInputs(TargetInFlight: 1)).Checks.Single(c => c.Name == "steady-state").Status);
    }

    [Fact]
    public void Open_loop_traffic_is_not_judged_on_steady_state_and_the_request_shape_never_takes_the_batch_size()
    {
        // two requests that never overlap: never 2 (the batch size) in flight
        var requests = new[] { new RequestRecord(0, 10, 5, 0, 100, 2000, 10, StartS: 0), new RequestRecord(1, 10, 5, 5, 100, 2000, 10, StartS: 5) };
        RawRecord Open(string shape, params (string Name, System.Text.Json.Nodes.JsonNode Value)[] config)
        {
            var raw = Samples.Raw("r", batchSize: 2) with { Requests = requests };
            var settings = raw.Config.ToDictionary();
            foreach (var (name, value) in config) settings[name] = new ParameterRecord(value, "test");
            return raw with { Config = settings, Window = raw.Window with { ExecutionShape = shape } };
        }

        var batch = Check(RecordMetrics.Finish(Open("batch", ("traffic.mode", "poisson"))), "steady-state");
        Assert.Equal(ValidityStatus.Pass, batch.Status);
        Assert.Equal(0, batch.Value);
        Assert.Contains("had 2 or more requests in flight; no steady segment — not judged: open loop (poisson arrivals)", batch.Detail);
        Assert.DoesNotContain("NA", batch.Detail);

        var request = Check(RecordMetrics.Finish(Open("request", ("traffic.mode", "constant"))), "steady-state");
        Assert.Equal(ValidityStatus.Pass, request.Status);
        Assert.Equal(0.4, request.Value!.Value, 9); // the busy share: 0–2 s and 5–7 s of 10 s
        Assert.Contains("had 1 or more requests in flight", request.Detail);
        Assert.Contains("not judged: open loop (constant arrivals, no traffic.max_concurrency)", request.Detail);

        // a cap or a closed loop fixes what should be in flight: judged against it
        var capped = Check(RecordMetrics.Finish(Open("request", ("traffic.mode", "poisson"), ("traffic.max_concurrency", 2))), "steady-state");
        Assert.Equal(ValidityStatus.Fail, capped.Status);
        var closed = Check(RecordMetrics.Finish(Open("request", ("traffic.mode", "concurrent"), ("traffic.concurrency", 1))), "steady-state");
        Assert.Equal((ValidityStatus.Fail, 0.4), (closed.Status, closed.Value!.Value));
        Assert.Equal(ValidityStatus.Fail, Check(RecordMetrics.Finish(Open("batch", ("traffic.mode", "none"))), "steady-state").Status);
    }

    [Theory]
    [InlineData(0.05, ValidityStatus.Pass)]
    [InlineData(0.10, ValidityStatus.Pass)]
    [InlineData(0.35, ValidityStatus.Warn)]
    public void Other_processes_using_more_than_a_tenth_of_the_cpu_warn_of_host_contention(double otherShare, ValidityStatus expected)
    {
        var host = new HostEnergyRecord(Lem.Engine.Meters.Host.HostAttributionKind.Process, "lem process 7", 0.5, otherShare, null, []);
        var check = Check(RecordMetrics.Finish(Samples.Raw("r") with { Host = host }), "host-contention");
        Assert.Equal((expected, otherShare), (check.Status, check.Value));
        Assert.Contains($"other processes used {otherShare * 100:0.##}% of the machine's CPU time", check.Detail);
        Assert.DoesNotContain(RecordMetrics.Finish(Samples.Raw("r")).Validity!.Checks, c => c.Name == "host-contention"); // no host section, no check
    }

    [Fact]
    public void An_estimate_dominating_the_total_warns()
    {
        var r = RecordMetrics.Finish(Samples.Raw("r", energy: [new("gpu:0", 10, EnergySource.MeasuredCounter, "nvml"), new("cpu", 90, EnergySource.Estimated, "estimate")]));
        var check = Check(r, "energy-sources");
        Assert.Equal(ValidityStatus.Warn, check.Status);
        Assert.Equal(0.9, check.Value!.Value, 12);
    }

    [Fact]
    public void Workers_verdicts_combine_per_check_at_their_worst()
    {
        var a = Gpu();
        var b = RecordMetrics.Finish(Samples.Raw("r", worker: 1, workers: 2, gpuJ: null));
        var combined = ValidityVerdict.Combine([(0, a.Validity), (1, b.Validity)])!;
        Assert.Equal(ValidityStatus.Fail, combined.Status);
        Assert.Null(ValidityVerdict.Combine([(0, null)]));
        Assert.Contains("Validity: FAIL", ValidityText.Render(combined));
        Assert.Contains("not judged", ValidityText.Render(null));
    }

    [Fact]
    public void Runs_with_the_same_prompts_setting_must_share_a_workload_fingerprint()
    {
        var print = WorkloadFingerprint.Of([("hello", 2), ("world", 1)]);
        Assert.Equal(print, WorkloadFingerprint.Of([("hello", 2), ("world", 1)]));
        Assert.NotEqual(print, WorkloadFingerprint.Of([("hello", 3), ("world", 1)])); // another tokenizer
        Assert.NotEqual(print, WorkloadFingerprint.Of([("world", 1), ("hello", 2)]));
        var same = Samples.Raw("a", experiment: "bs1") with { WorkloadFingerprint = print };
        var other = Samples.Raw("b", experiment: "bs8") with { WorkloadFingerprint = "0000000000000000" };
        var problem = Assert.Single(WorkloadConsistency.Problems([same, other, same with { RunId = "c" }]));
        Assert.Contains("different workloads", problem);
        Assert.Contains("bs8 cycle 0", problem);
        Assert.Empty(WorkloadConsistency.Problems([same, same with { RunId = "c" }]));
    }
}
