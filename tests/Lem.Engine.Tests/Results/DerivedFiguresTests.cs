using Lem.Engine.Meters;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

public class DerivedFiguresTests
{
    [Fact]
    public void Energy_per_input_token_is_prefill_energy_over_prompt_tokens_and_wh_per_1k_output_tokens_follows_the_total()
    {
        // gpu + cpu categories: both phase figures are needed; 400 prompt tokens, 200 output tokens, 1050 J
        var raw = RecordMetrics.Finish(Samples.Raw("r"), new Dictionary<string, double>
        {
            [MetricNames.GpuPrefillEnergyJ] = 100, [MetricNames.GpuDecodeEnergyJ] = 800,
            [MetricNames.CpuPrefillEnergyJ] = 10, [MetricNames.CpuDecodeEnergyJ] = 30,
        });
        var m = raw.Metrics;
        Assert.Equal(110, m[MetricNames.EnergyPrefillJ], 12);
        Assert.Equal(830, m[MetricNames.EnergyDecodeJ], 12);
        Assert.Equal(110.0 / 400, m[MetricNames.EnergyPerInputTokenJ], 12);
        Assert.Equal(1050.0 / 3600 / 200 * 1000, m[MetricNames.EnergyWhPer1kOutputTokens], 12);
    }

    [Fact]
    public void Without_a_category_s_phase_figure_there_is_no_energy_per_input_token()
    {
        var m = RecordMetrics.Finish(Samples.Raw("r"), new Dictionary<string, double> { [MetricNames.GpuPrefillEnergyJ] = 100 }).Metrics;
        Assert.Equal(100, m[MetricNames.GpuPrefillEnergyJ]);
        Assert.False(m.ContainsKey(MetricNames.EnergyPerInputTokenJ)); // the cpu category has energy but no prefill figure
    }

    [Fact]
    public void Per_request_energy_shares_the_power_among_the_requests_in_flight()
    {
        // window 4 s, 400 J (100 W mean); request 0 in flight 0–1 s, request 1 0–2 s: 0.5 s and 1.5 s of shared time
        var record = Samples.Raw("r", durationS: 4, energy: [new EnergyRecord("gpu:0", 400, EnergySource.MeasuredCounter, "nvml")]) with
        {
            Tokens = new TokenCounts(2, 20, 20, 10),
            Requests =
            [
                new RequestRecord(0, 10, 5, 0, 100, 1000, 10, StartS: 0),
                new RequestRecord(1, 10, 5, 0, 100, 2000, 10, StartS: 0),
            ],
        };
        var m = RecordMetrics.Finish(record).Metrics;
        Assert.Equal(100, m[MetricNames.RequestEnergyJMean], 9);
        Assert.Equal(100, m[MetricNames.RequestEnergyJP50], 9);
        Assert.Equal(50 + 0.99 * 100, m[MetricNames.RequestEnergyJP99], 9);
        Assert.Equal(200, m[MetricNames.EnergyPerRequestJ], 9); // the whole window over the requests, idle time included
    }

    [Fact]
    public void The_host_section_gives_system_figures_beside_the_attributed_ones()
    {
        var host = HostAttribution.Apply(
        [
            MeterWindowResult.Create("nvml", [new EnergyFigure("gpu:0", 1000, EnergySource.MeasuredCounter, "nvml")], new Dictionary<string, double>(), []),
            MeterWindowResult.Create("rapl", [new EnergyFigure("cpu:package-0", 200, EnergySource.MeasuredCounter, "RAPL")], new Dictionary<string, double>(), []),
            MeterWindowResult.Create(ProcessMeter.MeterName, [], new Dictionary<string, double>
            {
                [ProcessMetricNames.ProcessCpuShare] = 0.25, [ProcessMetricNames.OtherCpuShare] = 0.6, [ProcessMetricNames.ShareLowConfidence] = 0,
            }, []),
        ], new Dictionary<string, double> { ["cpu:package-0"] = 10 }, windowDurationS: 10, processSet: "lem process 1");
        var record = RecordMetrics.Finish(Samples.Raw("r") with { Energy = host.Energy.Select(EnergyRecord.From).ToList(), Host = HostEnergyRecord.From(host) });
        var m = record.Metrics;
        Assert.Equal(50, m[MetricNames.EnergyCpuJ], 9);
        Assert.Equal(200, m[MetricNames.EnergyCpuSystemJ], 9);
        Assert.Equal(1050, m[MetricNames.EnergyTotalJ], 9);
        Assert.Equal(1200, m[MetricNames.EnergyTotalSystemJ], 9);
        Assert.Equal(1200.0 / 200, m[MetricNames.EnergyPerOutputTokenSystemJ], 9);
        Assert.Equal(0.25, m[MetricNames.HostProcessCpuShare]);
        Assert.Equal(0.6, m[MetricNames.HostOtherCpuShare]);
        Assert.Equal(10, m[MetricNames.HostBaselinePowerW]);
        Assert.Equal((200 - 10 * 10) * 0.25, m[MetricNames.EnergyHostAdjustedJ], 9);

        var lines = EnergySummaryLine.For(record);
        Assert.Contains("host energy attributed to lem process 1", lines[0]);
        Assert.Contains("measured: gpu:0, cpu:package-0", lines[0]);
        Assert.Contains("whole machine: 6 J", lines[1]);
        var json = ResultJson.Serialize(record);
        Assert.Contains("\"attribution\": \"process\"", json);
        var back = ResultJson.Deserialize<RawRecord>(json, "raw.json");
        Assert.Equal(200, back.Host!.Components.Single().System.EnergyJ);
    }

    [Fact]
    public void A_total_dominated_by_an_estimate_says_so_in_a_warning_a_metric_and_the_summary_line()
    {
        var record = RecordMetrics.Finish(Samples.Raw("r", energy:
        [
            new EnergyRecord("gpu:0", 100, EnergySource.MeasuredCounter, "nvml"),
            new EnergyRecord("cpu", 200, EnergySource.Estimated, "estimate"),
            new EnergyRecord("ram", 100, EnergySource.Estimated, "estimate"),
        ]));
        Assert.Equal(0.75, record.Metrics[MetricNames.EnergyEstimatedShare], 12);
        var warning = Assert.Single(record.Warnings, w => w.Code == "estimate-dominates-total");
        Assert.Contains("75%", warning.Message);
        Assert.Contains("estimated: cpu, ram (75% of the total, which the estimate dominates)", EnergySummaryLine.For(record)[0]);
        Assert.DoesNotContain(RecordMetrics.Finish(Samples.Raw("q")).Warnings, w => w.Code == "estimate-dominates-total");
    }

    [Fact]
    public void Recorded_canonical_metrics_are_kept_and_combined_across_workers_by_their_rule()
    {
        Dictionary<string, double> Batch(double prefill, double ebs) => new()
        {
            [MetricNames.PrefillTimeS] = prefill, [MetricNames.PaddingRatio] = 0.2, [MetricNames.EffectiveBatchSize] = ebs,
        };
        var a = RecordMetrics.Finish(Samples.Raw("run", worker: 0, workers: 2), Batch(1.5, 4));  // 4 requests in 1 batch
        var b = RecordMetrics.Finish(Samples.Raw("run", worker: 1, workers: 2, startOffsetS: 20), Batch(2.5, 2)); // 4 requests in 2 batches
        Assert.Equal(1.5, a.Metrics[MetricNames.PrefillTimeS]);
        var run = RunAggregator.Aggregate([a, b], RunStatus.Complete);
        Assert.Equal(4.0, run.Metrics[MetricNames.PrefillTimeS], 12);
        Assert.Equal(8.0 / 3, run.Metrics[MetricNames.EffectiveBatchSize], 12);
        Assert.Equal((1024.0 - 800) / 1024, run.Metrics[MetricNames.PaddingRatio], 12); // from the summed tokens
        Assert.False(run.Metrics.ContainsKey("worker0_prefill_time_s"));
        Assert.False(run.Metrics.ContainsKey(MetricNames.RequestEnergyJMean));
    }
}
