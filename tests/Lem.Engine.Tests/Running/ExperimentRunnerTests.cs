using Lem.Engine.Config;
using Lem.Engine.Meters;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Nvml;
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

    private RunnerServices Services(FakeNvml nvml, params Lem.Engine.Inference.IBackendModule[] modules) => _world.Services(nvml, modules);

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
    public void A_tensor_split_is_one_worker_loaded_over_its_devices_and_metered_per_gpu()
    {
        var nvml = new FakeNvml(_clock,
            new FakeGpu("GPU-aaaa", "00000000:1B:00.0", "NVIDIA H200") { PowerW = 300, UpdatePeriodS = 0.005 },
            new FakeGpu("GPU-bbbb", "00000000:2B:00.0", "NVIDIA H200") { PowerW = 200, UpdatePeriodS = 0.005 });
        var module = new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10));
        var services = Services(nvml, module);
        var run = Plan(services, ("parallel.mode", V.Word("tensor")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1"))),
            ("max_new_tokens", V.Int(4)), ("min_new_tokens", V.Int(4)),
            ("prompts", V.Named("synthetic", ("count", V.Int(8)), ("input_tokens", V.Int(6)))), ("batching.batch_size", V.Int(4)), ("warmup.count", V.Int(1)));

        var record = RunOne(services, run);

        var load = Assert.Single(module.Loads);
        Assert.Equal("cuda:0", load.Device);
        Assert.Equal(["cuda:0", "cuda:1"], load.TensorDevices!);
        Assert.Null(load.PipelineDevices);
        Assert.Equal((0, 1), (record.WorkerIndex, record.WorkerCount));
        // both GPUs metered over the one window, each on its own
        Assert.Equal(300 * 0.080, record.Energy.Single(e => e.Component == "gpu:0").EnergyJ!.Value, 6);
        Assert.Equal(200 * 0.080, record.Energy.Single(e => e.Component == "gpu:1").EnergyJ!.Value, 6);
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
    public void A_load_holds_not_the_teardown_of_the_model_it_replaces()
    {
        // each model takes 2 s to load and 5 s to dispose (a launched server stopping within its grace time)
        var module = new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10)) { LoadTime = TimeSpan.FromSeconds(2), DisposeTime = TimeSpan.FromSeconds(5) };
        var services = Services(module);
        (string, ConfigValue)[] values = [("device", V.Text("cuda:0")), ("max_new_tokens", V.Int(2)), ("min_new_tokens", V.Int(2)),
            ("prompts", V.Named("synthetic", ("count", V.Int(2)), ("input_tokens", V.Int(4)))), ("warmup.count", V.Int(0))];
        using var runner = new ExperimentRunner(services);
        var store = new ResultStore(_results.Path);

        runner.Run(_world.Plan(services, "e", 1, values));
        // another precision: another model, so the first is disposed before the second loads
        var second = Assert.Single(store.LoadRun(runner.Run(_world.Plan(services, "e", 2, [.. values, ("precision", V.Word("bf16"))])).RunId).Records);

        Assert.Equal(2, module.Loads.Count);
        Assert.True(module.Models[0].Disposed);
        Assert.Equal(2.0, second.Model!.LoadTimeS!.Value, 3);
        Assert.Equal(600, second.Model.LoadEnergy!.Single(e => e.Component == "gpu:0").EnergyJ!.Value, 6);
    }

    [Fact]
    public void A_model_load_is_metered_outside_the_window_and_a_reused_model_has_no_load_figures()
    {
        var module = new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10)) { LoadTime = TimeSpan.FromSeconds(2) };
        var services = Services(module);
        (string, ConfigValue)[] values = [("device", V.Text("cuda:0")), ("max_new_tokens", V.Int(2)), ("min_new_tokens", V.Int(2)),
            ("prompts", V.Named("synthetic", ("count", V.Int(2)), ("input_tokens", V.Int(4)))), ("warmup.count", V.Int(0))];
        using var runner = new ExperimentRunner(services);
        var store = new ResultStore(_results.Path);

        var first = Assert.Single(store.LoadRun(runner.Run(_world.Plan(services, "e", 1, values)).RunId).Records);
        var second = Assert.Single(store.LoadRun(runner.Run(_world.Plan(services, "e", 2, values)).RunId).Records);

        // the load: 2 s at the fake GPU's 300 W, by its energy counter, beside the host's figures; none of it in the window
        var model = first.Model!;
        Assert.Equal(2.0, model.LoadTimeS!.Value, 3);
        Assert.Equal(600, model.LoadEnergy!.Single(e => e.Component == "gpu:0").EnergyJ!.Value, 6);
        Assert.Contains(model.LoadEnergy!, e => e.Component is "cpu" or "ram");
        Assert.Equal(model.LoadEnergy!.Where(e => e.EnergyJ is not null).Sum(e => e.EnergyJ!.Value), model.LoadEnergyJ!.Value, 9);
        Assert.True(first.Energy.Single(e => e.Component == "gpu:0").EnergyJ < 600, "the window holds no load");
        Assert.Equal(model.LoadEnergyJ, store.Aggregate(first.RunId).Metrics[MetricNames.ModelLoadEnergyJ]);
        // warm: the second run reuses the model, so it has neither a load time nor a load energy
        Assert.Single(module.Loads);
        Assert.Null(second.Model!.LoadTimeS);
        Assert.Null(second.Model.LoadEnergy);
        Assert.False(store.Aggregate(second.RunId).Metrics.ContainsKey(MetricNames.ModelLoadEnergyJ));
        Assert.Equal(Environment.ProcessId, second.Environment["lem_pid"]!.GetValue<int>());
        Assert.False(second.Environment["cold_start"]!.GetValue<bool>());
    }

    [Fact]
    public void Only_the_facts_a_model_calls_counters_get_a_window_share_and_constants_stay_as_they_are()
    {
        var module = new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10)) { ReportsFacts = true };
        var services = Services(module);
        var run = Plan(services, ("max_new_tokens", V.Int(2)), ("prompts", V.Named("synthetic", ("count", V.Int(8)), ("input_tokens", V.Int(6)))),
            ("batching.batch_size", V.Int(4)), ("warmup.count", V.Int(1)));

        var record = RunOne(services, run);

        // one warm-up batch before the window, two batches in it: the counter's share is 2; the constant has no share
        Assert.Equal(2.0, record.Metrics["fake_batches_in_window"]);
        Assert.DoesNotContain("fake_threads_in_window", record.Metrics.Keys);
        Assert.Equal(4, record.Environment["backend"]!["fake_threads"]!.GetValue<int>());
        Assert.Equal(3, record.Environment["backend"]!["fake_batches"]!.GetValue<long>());
    }

    [Fact]
    public void Mbu_reads_the_kv_cache_in_the_type_the_backend_keeps_it_not_in_the_precision()
    {
        var info = Lem.Engine.Tests.Workload.FakeModel.DefaultInfo with { ConfigJson = Flops.KnownConfigs.TinyLlama, ParameterCount = 1352, WeightBytes = 4 * 1352 };
        double? MbuOf(Lem.Engine.Inference.ModelInfo modelInfo)
        {
            var services = Services(new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10)) { Info = modelInfo });
            var run = Plan(services, ("device", V.Text("cuda:0")), ("max_new_tokens", V.Int(4)), ("min_new_tokens", V.Int(4)),
                ("prompts", V.Named("synthetic", ("count", V.Int(8)), ("input_tokens", V.Int(6)))), ("batching.batch_size", V.Int(4)), ("warmup.count", V.Int(0)));
            return RunOne(services, run).Flops!.Mbu;
        }

        var asPrecision = MbuOf(info); // precision fp32: 4 bytes per KV element
        var f16 = MbuOf(info with { KvCacheType = "f16" });

        // the same decode time, so the ratio of the figures is the ratio of the bytes read (weights + KV cache)
        var tiny = Lem.Engine.Flops.Analytical.ArchitectureConfig.Parse(Flops.KnownConfigs.TinyLlama);
        Lem.Engine.Flops.BatchShape[] shapes = [Lem.Engine.Flops.BatchShape.Uniform(4, 6, 4), Lem.Engine.Flops.BatchShape.Uniform(4, 6, 4)];
        var expected = Lem.Engine.Flops.Utilisation.DecodeMemoryTraffic.DecodeBytes(tiny, 4 * 1352, shapes, 2)
            / Lem.Engine.Flops.Utilisation.DecodeMemoryTraffic.DecodeBytes(tiny, 4 * 1352, shapes, 4);
        Assert.True(expected < 1);
        Assert.Equal(expected, f16!.Value / asPrecision!.Value, 9);
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

    [Theory]
    [InlineData("scripted", 4)]        // batch shape: the share at the batch size
    [InlineData("scripted_server", 1)] // request shape: no cap, so the share of the window with any request in flight
    public void Open_loop_traffic_reports_the_steady_share_without_judging_it(string backend, int target)
    {
        var services = Services(new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10)), new ScriptedRequestModule(_clock));
        var run = Plan(services, ("backend", V.Word(backend)), ("model", V.Text("m")), ("max_new_tokens", V.Int(4)), ("min_new_tokens", V.Int(4)),
            ("prompts", V.Named("synthetic", ("count", V.Int(8)), ("input_tokens", V.Int(6)))), ("batching.batch_size", V.Int(4)),
            ("traffic.mode", V.Word("poisson")), ("traffic.qps", V.Dec(2)), ("warmup.count", V.Int(0)));

        var record = RunOne(services, run);

        // arrivals half a second apart on average and requests of tens of milliseconds: rarely is anything in flight
        var steady = record.Validity!.Checks.Single(c => c.Name == "steady-state");
        Assert.Equal(Lem.Engine.Results.Validity.ValidityStatus.Pass, steady.Status);
        Assert.Contains("not judged: open loop (poisson arrivals", steady.Detail);
        Assert.Contains($"had {target} or more requests in flight", steady.Detail);
        Assert.DoesNotContain("NA W", steady.Detail);
        Assert.True(record.Validity.Figures!["steady_state_share"] < 0.5);
    }

    [Fact]
    public void The_store_and_the_carbon_lookup_are_collaborators_passed_in()
    {
        var elsewhere = Path.Combine(_results.Path, "elsewhere");
        var asked = new List<Lem.Engine.Meters.Carbon.CarbonSettings>();
        var services = Services(new ScriptedBatchModule(_clock, stepTime: TimeSpan.FromMilliseconds(10))) with
        {
            CreateStore = _ => new ResultStore(elsewhere),
            ResolveCarbon = settings =>
            {
                asked.Add(settings);
                return new Lem.Engine.Meters.Carbon.CarbonIntensity(500, Lem.Engine.Meters.Carbon.CarbonIntensitySource.Configured, "a test grid");
            },
        };
        var run = Plan(services, ("max_new_tokens", V.Int(2)), ("prompts", V.Named("synthetic", ("count", V.Int(2)))), ("warmup.count", V.Int(0)),
            ("carbon.region", V.Text("FR")));

        using var runner = new ExperimentRunner(services);
        var outcome = runner.Run(run);

        var record = Assert.Single(new ResultStore(elsewhere).LoadRun(outcome.RunId).Records);
        Assert.Equal("FR", Assert.Single(asked).Region);
        Assert.Equal((500.0, "a test grid"), (record.Carbon!.IntensityGPerKwh, record.Carbon.Note));
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
