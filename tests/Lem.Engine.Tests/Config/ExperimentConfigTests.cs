using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class ExperimentConfigTests
{
    private static readonly (string, ConfigValue)[] EveryParameterSet =
    [
        ("model", V.Call("synthetic", [V.Text("llama-3.2-1b")], ("seed", V.Int(7)))),
        ("backend", V.Word("scripted")),
        ("device", V.Text("cuda:1")),
        ("precision", V.Word("bf16")),
        ("max_new_tokens", V.Int(128)),
        ("min_new_tokens", V.Int(128)),
        ("prompts", V.Named("synthetic", ("count", V.Int(64)), ("input_tokens", V.Int(256)))),
        ("batching.strategy", V.Word("sorted_dynamic")),
        ("batching.batch_size", V.Int(16)),
        ("batching.max_tokens_per_batch", V.Int(4096)),
        ("decoder.preset", V.Word("creative")),
        ("decoder.temperature", V.Dec(0.9)),
        ("decoder.top_p", V.Dec(0.8)),
        ("decoder.top_k", V.Int(20)),
        ("decoder.min_p", V.Dec(0.1)),
        ("decoder.repetition_penalty", V.Dec(1.2)),
        ("decoder.seed", V.Int(5)),
        ("traffic.mode", V.Word("poisson")),
        ("traffic.qps", V.Dec(3.5)),
        ("traffic.burstiness", V.Dec(0.5)),
        ("traffic.max_wait", V.Ms(50)),
        ("traffic.seed", V.Int(9)),
        ("goodput.ttft_ms", V.Dec(250)),
        ("goodput.tpot_ms", V.Int(40)),
        ("warmup.mode", V.Word("until_stable")),
        ("warmup.count", V.Int(40)),
        ("warmup.window", V.Int(8)),
        ("warmup.cv_threshold", V.Dec(0.02)),
        ("baseline.duration", V.Ms(30_000)),
        ("baseline.ttl", V.Ms(2 * 3600_000)),
        ("cycles", V.Int(3)),
        ("measurement.sample_interval", V.Ms(50)),
        ("measurement.time_series", V.Bool(false)),
        ("carbon.intensity_g_per_kwh", V.Int(56)),
        ("carbon.pue", V.Dec(1.2)),
        ("cpu.tdp_w", V.Dec(280)),
        ("ram.w_per_gb", V.Dec(0.5)),
        ("parallel.mode", V.Word("data")),
        ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1"))),
        ("quantization", V.Word("int8")),
        ("scripted.step_ms", V.Dec(2.5)),
        ("results.dir", V.Text("out")),
    ];

    [Fact]
    public void Builds_every_typed_value_from_a_full_map()
    {
        var config = ExperimentConfig.From(V.Set(EveryParameterSet), TestRegistry.Instance);

        Assert.Equal(ModelSpec.Synthetic("llama-3.2-1b", 7), config.Model);
        Assert.Equal("scripted", config.Backend);
        Assert.Equal("int8", config.Quantization);
        Assert.Equal(new DeviceSpec(DeviceKind.Cuda, 1), config.Device);
        Assert.Equal(Precision.Bf16, config.Precision);
        Assert.Equal("bf16", config.PrecisionText);
        Assert.Equal((128, 128), (config.MaxNewTokens, config.MinNewTokens));
        Assert.True(config.Prompts.IsSynthetic);
        Assert.Equal((64L, 256L, 0L), (config.Prompts.Integer("count"), config.Prompts.Integer("input_tokens"), config.Prompts.Integer("seed")));
        Assert.Equal(256, config.Prompts.LongestPromptTokens);
        Assert.Equal(new BatchingConfig(BatchingStrategy.SortedDynamic, 16, 4096), config.Batching);
        Assert.Equal(new DecoderConfig("creative", 0.9, 0.8, 20, 0.1, 1.2, 5), config.Decoder);
        Assert.Equal(new TrafficConfig(TrafficMode.Poisson, 3.5, 0.5, TimeSpan.FromMilliseconds(50), 9, MaxConcurrency: null, Concurrency: 1), config.Traffic);
        Assert.Equal(new GoodputConfig(250, 40), config.Goodput);
        Assert.Equal(new WarmupConfig(WarmupMode.UntilStable, 40, 8, 0.02), config.Warmup);
        Assert.Equal(new BaselineConfig(TimeSpan.FromSeconds(30), TimeSpan.FromHours(2)), config.Baseline);
        Assert.True(config.Baseline.Enabled);
        Assert.Equal(3, config.Cycles);
        Assert.Equal(new MeasurementConfig(TimeSpan.FromMilliseconds(50), false), config.Measurement);
        Assert.Equal(new CarbonConfig(56, null, 1.2), config.Carbon);
        Assert.Equal(new EstimatesConfig(280, 0.5), config.Estimates);
        Assert.Equal(ParallelMode.Data, config.Parallel.Mode);
        Assert.Equal([new DeviceSpec(DeviceKind.Cuda, 0), new DeviceSpec(DeviceKind.Cuda, 1)], config.Parallel.Devices);
        Assert.Equal(config.Parallel.Devices, config.DevicesUsed);
        Assert.Equal(new Dictionary<string, object> { ["scripted.step_ms"] = 2.5 }, config.BackendOptions);
        Assert.Equal("out", config.ResultsDir);
        Assert.Empty(config.Notes);
    }

    [Fact]
    public void Every_registry_parameter_is_set_by_the_full_map_test()
    {
        // region is ignored next to an intensity; the request-shape and metering parameters contradict data parallelism
        // on a batch backend and are covered by their own tests
        string[] apart = ["carbon.region", "traffic.max_concurrency", "traffic.concurrency", "measurement.gpus", "scripted_server.chunk_tokens"];
        var covered = EveryParameterSet.Select(p => p.Item1).Concat(apart).ToHashSet();
        Assert.Equal(TestRegistry.Instance.All.Select(d => d.Name).Order(), covered.Order());
    }

    [Fact]
    public void Resolved_lists_every_parameter_with_a_value_in_registry_order_with_provenance()
    {
        var config = ExperimentConfig.From(V.Set(("batching.batch_size", V.Int(8)), ("precision", V.Word("bf16"))), TestRegistry.Instance);

        // the default backend's section only: another backend's parameters are no part of this run
        var expectedNames = TestRegistry.Instance.All
            .Where(d => (d.Default is not null || d.Name.StartsWith("decoder.", StringComparison.Ordinal)) && d.AppliesTo("scripted"))
            .Select(d => d.Name);
        Assert.Equal(expectedNames, config.Resolved.Keys);
        Assert.Equal(new ResolvedValue(V.Int(8), V.Line(1)), config.Resolved["batching.batch_size"]);
        Assert.Equal(new ResolvedValue(V.Word("bf16"), V.Line(2)), config.Resolved["precision"]);
        Assert.Equal(new ResolvedValue(V.Int(32), Provenance.DefaultValue), config.Resolved["max_new_tokens"]);
        Assert.False(config.Resolved.ContainsKey("carbon.intensity_g_per_kwh")); // optional, unset
    }

    [Fact]
    public void Defaults_give_a_runnable_cpu_configuration()
    {
        var config = ExperimentConfig.From(V.Set(), TestRegistry.Instance);

        Assert.Equal(ModelSpec.Synthetic("tiny"), config.Model);
        Assert.Equal(DeviceSpec.Cpu, config.Device);
        Assert.Equal([DeviceSpec.Cpu], config.DevicesUsed);
        Assert.Equal(Precision.Fp32, config.Precision);
        Assert.Equal(new BatchingConfig(BatchingStrategy.Static, 1, 8192), config.Batching);
        Assert.Equal(new TrafficConfig(TrafficMode.None, 1.0, 1.0, TimeSpan.Zero, 0), config.Traffic);
        Assert.False(config.Goodput.Any);
        Assert.Equal(new WarmupConfig(WarmupMode.Fixed, 2, 5, 0.05), config.Warmup);
        Assert.False(config.Baseline.Enabled);
        Assert.Equal(TimeSpan.FromHours(1), config.Baseline.Ttl);
        Assert.Equal(new MeasurementConfig(TimeSpan.FromMilliseconds(100), true), config.Measurement);
        Assert.Equal(new CarbonConfig(null, null, 1.0), config.Carbon);
        Assert.Equal(new EstimatesConfig(null, 0.375), config.Estimates);
        Assert.Equal("scripted", config.Backend); // the first module composed
        Assert.Equal("none", config.Quantization);
        Assert.Equal(new Dictionary<string, object> { ["scripted.step_ms"] = 1.0 }, config.BackendOptions);
        Assert.Equal(ParallelMode.None, config.Parallel.Mode);
        Assert.Empty(config.Parallel.Devices);
        Assert.Equal((1, "results"), (config.Cycles, config.ResultsDir));
    }

    [Fact]
    public void A_model_folder_and_file_prompts_are_typed()
    {
        var config = ExperimentConfig.From(V.Set(
            ("model", V.Text("/models/llama")),
            ("prompts", V.Call("file", [V.Text("data/alpaca.json")], ("format", V.Word("alpaca")), ("sample", V.Int(100)), ("shuffle", V.Bool(true))))), TestRegistry.Instance);

        Assert.Equal(ModelSpec.At("/models/llama"), config.Model);
        Assert.False(config.Model.IsSynthetic);
        Assert.True(config.Prompts.IsFile);
        Assert.Equal("data/alpaca.json", config.Prompts.Text("path"));
        Assert.Equal("alpaca", config.Prompts.Text("format"));
        Assert.Equal("text", config.Prompts.Text("column")); // default
        Assert.Equal(100, config.Prompts.OptionalInteger("sample"));
        Assert.True(config.Prompts.Boolean("shuffle"));
        Assert.Null(config.Prompts.LongestPromptTokens);
    }

    [Fact]
    public void Request_shape_traffic_and_metered_gpus_are_typed()
    {
        var config = ExperimentConfig.From(V.Set(("backend", V.Word("scripted_server")), ("traffic.mode", V.Word("concurrent")),
            ("traffic.concurrency", V.Int(8)), ("traffic.max_concurrency", V.Int(16)), ("measurement.gpus", V.List(V.Text("cuda:1")))), TestRegistry.Instance);

        Assert.Equal((TrafficMode.Concurrent, 8, (int?)16), (config.Traffic.Mode, config.Traffic.Concurrency, config.Traffic.MaxConcurrency));
        Assert.Equal([new DeviceSpec(DeviceKind.Cuda, 1)], config.Measurement.Gpus);
        Assert.Equal(new Dictionary<string, object> { ["scripted_server.chunk_tokens"] = 1L }, config.BackendOptions);
    }

    [Fact]
    public void The_carbon_region_is_upper_cased() =>
        Assert.Equal("US-CA", ExperimentConfig.From(V.Set(("carbon.region", V.Text("us-ca"))), TestRegistry.Instance).Carbon.Region);

    [Fact]
    public void Backend_options_and_the_load_request_come_from_the_resolved_values()
    {
        var config = ExperimentConfig.From(V.Set(("device", V.Text("cuda:0")), ("precision", V.Word("bf16")), ("scripted.step_ms", V.Dec(3)),
            ("quantization", V.Word("int8"))), TestRegistry.Instance);

        var request = config.ToModelLoadRequest("/cache/tiny");

        Assert.Equal(("/cache/tiny", "bf16", "cuda:0", "int8"), (request.Model, request.Precision, request.Device, request.Quantization));
        Assert.Equal(3.0, request.BackendOptions!["scripted.step_ms"]);
        Assert.Equal(3.0, request.Option("scripted.step_ms", 0.0));
        Assert.DoesNotContain("precision", request.BackendOptions.Keys);
        Assert.DoesNotContain("scripted_server.chunk_tokens", request.BackendOptions.Keys); // another backend's section
        Assert.False(request.PrecisionIsDefault);
    }

    [Fact]
    public void The_load_request_says_when_precision_is_only_the_default()
    {
        var request = ExperimentConfig.From(V.Set(("device", V.Text("cuda:0"))), TestRegistry.Instance).ToModelLoadRequest("/cache/tiny");
        Assert.Equal("fp32", request.Precision);
        Assert.True(request.PrecisionIsDefault);
    }

    [Fact]
    public void Errors_prevent_construction_and_are_listed_with_their_locations()
    {
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.From(V.Set(("batch_size", V.Int(8)), ("precision", V.Word("fp8"))), TestRegistry.Instance));

        Assert.Equal(["LEM1001", "LEM1004"], error.Diagnostics.Select(d => d.Code));
        Assert.Contains("2 errors", error.Message);
        Assert.Contains("test.lem:1: error LEM1001: unknown parameter 'batch_size'", error.Message);
        Assert.Contains("test.lem:2: error LEM1004", error.Message);
    }

    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData("cuda:0", DeviceKind.Cuda, 0)]
    [InlineData("cuda:15", DeviceKind.Cuda, 15)]
    public void Devices_parse_and_print_back(string text, DeviceKind kind, int index)
    {
        Assert.True(DeviceSpec.TryParse(text, out var device));
        Assert.Equal(new DeviceSpec(kind, index), device);
        Assert.Equal(text, device.ToString());
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:")]
    [InlineData("cuda:+1")]
    [InlineData("cuda: 1")]
    [InlineData("CPU")]
    [InlineData("gpu:0")]
    public void Malformed_devices_do_not_parse(string text) => Assert.False(DeviceSpec.TryParse(text, out _));

    [Theory]
    [InlineData("sorted_static", BatchingStrategy.SortedStatic)]
    [InlineData("dynamic", BatchingStrategy.Dynamic)]
    public void Words_and_enum_values_convert_both_ways(string word, BatchingStrategy strategy)
    {
        Assert.Equal(strategy, ConfigWords.Parse<BatchingStrategy>(word));
        Assert.Equal(word, ConfigWords.Of(strategy));
    }

    [Fact]
    public void Every_choice_word_in_the_registry_maps_to_its_enum()
    {
        Assert.All(Allowed("precision"), w => Assert.Equal(w, ConfigWords.Of(ConfigWords.Parse<Precision>(w))));
        Assert.All(Allowed("batching.strategy"), w => Assert.Equal(w, ConfigWords.Of(ConfigWords.Parse<BatchingStrategy>(w))));
        Assert.All(Allowed("traffic.mode"), w => Assert.Equal(w, ConfigWords.Of(ConfigWords.Parse<TrafficMode>(w))));
        Assert.All(Allowed("warmup.mode"), w => Assert.Equal(w, ConfigWords.Of(ConfigWords.Parse<WarmupMode>(w))));
        Assert.All(Allowed("parallel.mode"), w => Assert.Equal(w, ConfigWords.Of(ConfigWords.Parse<ParallelMode>(w))));

        static IReadOnlyList<string> Allowed(string name) => TestRegistry.Instance.All.Single(d => d.Name == name).AllowedValuesOrEmpty;
    }
}
