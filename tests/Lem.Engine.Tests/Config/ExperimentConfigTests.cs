using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class ExperimentConfigTests
{
    private static readonly (string, ConfigValue)[] EveryParameterSet =
    [
        ("model", V.Call("synthetic", [V.Text("llama-3.2-1b")], ("seed", V.Int(7)))),
        ("backend", V.Word("torchsharp")),
        ("device", V.Text("cuda:1")),
        ("precision", V.Word("bf16")),
        ("quantization", V.Word("int8")),
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
        ("torchsharp.cuda_graphs", V.Bool(true)),
        ("torchsharp.attention", V.Word("eager")),
        ("torchsharp.libtorch_path", V.Text("/opt/torch/lib")),
        ("results.dir", V.Text("out")),
    ];

    [Fact]
    public void Builds_every_typed_value_from_a_full_map()
    {
        var config = ExperimentConfig.From(V.Set(EveryParameterSet));

        Assert.Equal(ModelSpec.Synthetic("llama-3.2-1b", 7), config.Model);
        Assert.Equal("torchsharp", config.Backend);
        Assert.Equal(new DeviceSpec(DeviceKind.Cuda, 1), config.Device);
        Assert.Equal(Precision.Bf16, config.Precision);
        Assert.Equal("bf16", config.PrecisionText);
        Assert.Equal((128, 128), (config.MaxNewTokens, config.MinNewTokens));
        Assert.True(config.Prompts.IsSynthetic);
        Assert.Equal((64L, 256L, 0L), (config.Prompts.Integer("count"), config.Prompts.Integer("input_tokens"), config.Prompts.Integer("seed")));
        Assert.Equal(256, config.Prompts.LongestPromptTokens);
        Assert.Equal(new BatchingConfig(BatchingStrategy.SortedDynamic, 16, 4096), config.Batching);
        Assert.Equal(new DecoderConfig("creative", 0.9, 0.8, 20, 0.1, 1.2, 5), config.Decoder);
        Assert.Equal(new TrafficConfig(TrafficMode.Poisson, 3.5, 0.5, TimeSpan.FromMilliseconds(50), 9), config.Traffic);
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
        Assert.Equal(new TorchSharpConfig(true, AttentionKind.Eager, "/opt/torch/lib"), config.TorchSharp);
        Assert.Equal("out", config.ResultsDir);
        Assert.Empty(config.Notes);
    }

    [Fact]
    public void Every_registry_parameter_is_set_by_the_full_map_test()
    {
        var covered = EveryParameterSet.Select(p => p.Item1).Append("carbon.region").ToHashSet(); // region is ignored next to an intensity
        Assert.Equal(ParameterRegistry.All.Select(d => d.Name).Order(), covered.Order());
    }

    [Fact]
    public void Resolved_lists_every_parameter_with_a_value_in_registry_order_with_provenance()
    {
        var config = ExperimentConfig.From(V.Set(("batching.batch_size", V.Int(8)), ("precision", V.Word("fp16"))));

        var expectedNames = ParameterRegistry.All
            .Where(d => d.Default is not null || d.Name.StartsWith("decoder.", StringComparison.Ordinal))
            .Select(d => d.Name);
        Assert.Equal(expectedNames, config.Resolved.Keys);
        Assert.Equal(new ResolvedValue(V.Int(8), V.Line(1)), config.Resolved["batching.batch_size"]);
        Assert.Equal(new ResolvedValue(V.Word("fp16"), V.Line(2)), config.Resolved["precision"]);
        Assert.Equal(new ResolvedValue(V.Int(32), Provenance.DefaultValue), config.Resolved["max_new_tokens"]);
        Assert.False(config.Resolved.ContainsKey("carbon.intensity_g_per_kwh")); // optional, unset
    }

    [Fact]
    public void Defaults_give_a_runnable_cpu_configuration()
    {
        var config = ExperimentConfig.From(V.Set());

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
        Assert.Equal(new TorchSharpConfig(true, AttentionKind.Sdpa, null), config.TorchSharp); // graphs where there is CUDA
        Assert.Equal(ParallelMode.None, config.Parallel.Mode);
        Assert.Empty(config.Parallel.Devices);
        Assert.Equal((1, "results"), (config.Cycles, config.ResultsDir));
    }

    [Fact]
    public void A_model_folder_and_file_prompts_are_typed()
    {
        var config = ExperimentConfig.From(V.Set(
            ("model", V.Text("/models/llama")),
            ("prompts", V.Call("file", [V.Text("data/alpaca.json")], ("format", V.Word("alpaca")), ("sample", V.Int(100)), ("shuffle", V.Bool(true))))));

        Assert.Equal(ModelSpec.Folder("/models/llama"), config.Model);
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
    public void The_carbon_region_is_upper_cased() =>
        Assert.Equal("US-CA", ExperimentConfig.From(V.Set(("carbon.region", V.Text("us-ca")))).Carbon.Region);

    [Fact]
    public void Backend_options_and_the_load_request_come_from_the_resolved_values()
    {
        var config = ExperimentConfig.From(V.Set(("device", V.Text("cuda:0")), ("precision", V.Word("bf16")), ("torchsharp.cuda_graphs", V.Bool(true))));

        var request = config.ToModelLoadRequest("/cache/tiny");

        Assert.Equal(("/cache/tiny", "bf16", "cuda:0"), (request.Model, request.Precision, request.Device));
        Assert.Equal(true, request.BackendOptions!["torchsharp.cuda_graphs"]);
        Assert.Equal("sdpa", request.BackendOptions["torchsharp.attention"]);
        // the core quantization parameter names the backends it applies to, so it reaches their options too
        Assert.Equal("none", request.BackendOptions["quantization"]);
        Assert.DoesNotContain("precision", request.BackendOptions.Keys);
    }

    [Fact]
    public void Errors_prevent_construction_and_are_listed_with_their_locations()
    {
        var error = Assert.Throws<ConfigException>(() => ExperimentConfig.From(V.Set(("batch_size", V.Int(8)), ("precision", V.Word("fp8")))));

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
        Assert.All(Allowed("torchsharp.attention"), w => Assert.Equal(w, ConfigWords.Of(ConfigWords.Parse<AttentionKind>(w))));

        static IReadOnlyList<string> Allowed(string name) => ParameterRegistry.All.Single(d => d.Name == name).AllowedValuesOrEmpty;
    }
}
