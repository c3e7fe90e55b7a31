using Lem.Engine.Config;
using Lem.Engine.Meters;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>
/// Whole experiments through the runner's stages with scripted backend modules (one per execution shape), fake meters
/// (a fake NVML GPU at a constant 300 W whose counter updates every 5 ms, a fake /proc and powercap tree) and one manual clock: the records are exact.
/// </summary>
public sealed class ExperimentRunnerTests : IDisposable
{
    private readonly RunnerWorld _world = new();
    private readonly ManualClock _clock;
    private readonly TempFolder _results;

    public ExperimentRunnerTests()
    {
        _clock = _world.Clock;
        _results = _world.Results;
    }

    private RunnerServices Services(params Lem.Engine.Inference.IBackendModule[] modules) => _world.Services(modules);

    private PlannedRun Plan(RunnerServices services, params (string, ConfigValue)[] values) => _world.Plan(services, "e", 1, values);

    private RawRecord RunOne(RunnerServices services, PlannedRun run)
    {
        using var runner = new ExperimentRunner(services);
        var outcome = runner.Run(run);
        var stored = new ResultStore(_results.Path).LoadRun(outcome.RunId);
        Assert.Equal(RunStatus.Complete, stored.Status);
        return Assert.Single(stored.Records);
    }

    [Fact]
    public void A_batch_shape_experiment_runs_every_stage_and_records_exact_figures()
    {
        var module = new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10));
        var services = Services(module, new ScriptedRequestModule(_clock));
        var run = Plan(services, ("device", V.Text("cuda:0")), ("max_new_tokens", V.Int(4)), ("min_new_tokens", V.Int(4)),
            ("prompts", V.Named("synthetic", ("count", V.Int(8)), ("input_tokens", V.Int(6)))), ("batching.batch_size", V.Int(4)), ("warmup.count", V.Int(1)));

        var record = RunOne(services, run);

        // plan: the module resolved the model, one worker on cuda:0, and cuda:0 is what the NVML meter covers
        var load = Assert.Single(module.Loads);
        Assert.Equal(("synthetic:tiny", "cuda:0"), (load.Model, load.Device));
        Assert.Equal(("batch", "device-synchronised"), (record.Window.ExecutionShape, record.Window.Edges));
        // 2 batches × 4 steps × 10 ms, after one warm-up batch outside the window
        Assert.Equal(0.080, record.Window.DurationS, 6);
        Assert.Equal(1, record.Metrics["warmup_steps"]);
        Assert.Equal(new TokenCounts(8, 48, 48, 32), record.Tokens);
        Assert.Equal(32 / 0.080, record.Throughput!.OutputTokensPerS!.Value, 6);
        // TTFT counts from arrival (t = 0): 10 ms in the first batch, 50 ms in the second
        Assert.Equal(30.0, record.Latency[LatencyNames.Ttft].P50Ms!.Value, 6);
        Assert.Equal(10.0, record.Latency[LatencyNames.Tpot].P50Ms!.Value, 6);
        var gpu = record.Energy.Single(e => e.Component == "gpu:0");
        Assert.Equal(300 * 0.080, gpu.EnergyJ!.Value, 6);
        Assert.Equal(0.0, record.Metrics["padding_ratio"]);
        Assert.Equal(4.0, record.Metrics["effective_batch_size"]);
        Assert.Equal(0.010 * 2, record.Metrics["prefill_time_s"], 6);
        Assert.Equal(8, record.Requests!.Count);
        Assert.All(record.Requests, r => Assert.Null(r.QueueMs));
        Assert.Equal("scripted", record.Config["backend"].Value!.ToString());
        Assert.DoesNotContain("scripted_server.chunk_tokens", record.Config.Keys);
        // the host section, the workload fingerprint and the verdict come with every record
        Assert.NotNull(record.Host);
        Assert.False(string.IsNullOrEmpty(record.WorkloadFingerprint));
        Assert.NotNull(record.Validity);
    }

    [Fact]
    public void A_request_shape_experiment_records_the_same_kind_of_record_without_batch_figures()
    {
        var services = Services(new ScriptedBatchModule(_clock), new ScriptedRequestModule(_clock));
        var run = Plan(services, ("backend", V.Word("scripted_server")), ("model", V.Text("meta-llama/Llama-3.2-1B")), ("max_new_tokens", V.Int(4)),
            ("prompts", V.Named("synthetic", ("count", V.Int(6)), ("input_tokens", V.Int(6)))),
            ("traffic.mode", V.Word("concurrent")), ("traffic.concurrency", V.Int(3)), ("warmup.count", V.Int(2)));

        var record = RunOne(services, run);

        Assert.Equal(("request", "first-send-to-last-response"), (record.Window.ExecutionShape, record.Window.Edges));
        // two rounds of 3 requests in flight, each 20 ms to its first chunk and 5 ms per further token: 2 × 35 ms
        Assert.Equal(0.070, record.Window.DurationS, 6);
        Assert.Equal(new TokenCounts(6, 36, 36, 24), record.Tokens);
        Assert.Equal(20.0, record.Latency[LatencyNames.Ttft].P50Ms!.Value, 6);
        Assert.Equal(5.0, record.Latency[LatencyNames.Tpot].P50Ms!.Value, 6);
        Assert.Equal(300 * 0.070, record.Energy.Single(e => e.Component == "gpu:0").EnergyJ!.Value, 6); // the module's default: cuda:0
        Assert.Equal(0, record.Metrics["failed_requests"]);
        foreach (var batchOnly in new[] { "padding_ratio", "effective_batch_size", "prefill_time_s", "decode_time_s" })
            Assert.DoesNotContain(batchOnly, record.Metrics.Keys);
        Assert.All(record.Requests!, r => Assert.Equal(0, r.QueueMs));
        Assert.Contains(record.Warnings, w => w.Code == "window-edges");
        Assert.Null(record.Flops!.Mbu);
        Assert.Contains("overlap", record.Flops.MbuNote);
    }

    [Fact]
    public void Measurement_gpus_decides_what_is_metered_not_where_the_model_runs()
    {
        var services = Services(new ScriptedBatchModule(_clock), new ScriptedRequestModule(_clock));
        var none = Plan(services, ("backend", V.Word("scripted_server")), ("model", V.Text("m")), ("max_new_tokens", V.Int(2)),
            ("prompts", V.Named("synthetic", ("count", V.Int(1)))), ("warmup.count", V.Int(0)), ("measurement.gpus", V.List()));

        var record = RunOne(services, none);

        Assert.DoesNotContain(record.Energy, e => e.Component.StartsWith("gpu", StringComparison.Ordinal));
    }

    [Fact]
    public void A_module_plugs_in_through_the_registry_alone()
    {
        // the same runner, with only the request module composed: its name is the default backend
        var services = Services(new ScriptedRequestModule(_clock));
        var run = Plan(services, ("model", V.Text("m")), ("max_new_tokens", V.Int(2)), ("prompts", V.Named("synthetic", ("count", V.Int(2)))), ("warmup.count", V.Int(0)));
        Assert.Equal("scripted_server", run.Config.Backend);

        var record = RunOne(services, run);

        Assert.Equal(2, record.Tokens.Requests);
        Assert.Equal("request", record.Window.ExecutionShape);
    }

    [Fact]
    public void The_progress_line_names_batches_only_where_they_are_planned()
    {
        var services = Services(new ScriptedBatchModule(_clock), new ScriptedRequestModule(_clock));
        var prompts = Enumerable.Range(0, 8).Select(i => new Lem.Engine.Workload.Prompts.Prompt(i, "p", [1, 2])).ToArray();
        var plan = Lem.Engine.Workload.Batching.Batcher.Plan(prompts, new BatchingConfig(BatchingStrategy.Static, 4));
        var workload = new Lem.Engine.Running.Stages.PreparedWorkload(prompts, plan, new double[8], []);
        string Text(params (string, ConfigValue)[] values) => Lem.Engine.Running.Stages.MeasureStage.ProgressText(Plan(services, values).Config, workload, 0);

        Assert.Equal("  worker 0: measuring 8 prompts in 2 batches ...", Text());
        Assert.Equal("  worker 0: measuring 8 prompts, poisson arrivals at 2.5 requests/s, batched as they arrive ...",
            Text(("traffic.mode", V.Word("poisson")), ("traffic.qps", V.Dec(2.5))));
        Assert.Equal("  worker 0: measuring 8 requests, 3 in flight ...",
            Lem.Engine.Running.Stages.MeasureStage.ProgressText(Plan(services, ("backend", V.Word("scripted_server")), ("traffic.mode", V.Word("concurrent")), ("traffic.concurrency", V.Int(3))).Config,
                workload with { Plan = null }, 0));
    }

    public void Dispose() => _world.Dispose();
}
