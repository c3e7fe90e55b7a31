using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class CrossFieldRuleTests
{
    private static readonly ConfigValue.Call Prompts256 = V.Named("synthetic", ("count", V.Int(16)), ("input_tokens", V.Int(256)));

    /// <summary>(values, severity, parameter, message fragments): each case yields exactly one LEM1006 finding.</summary>
    public static TheoryData<(string, ConfigValue)[], Severity, string, string[]> Cases => new()
    {
        { [("min_new_tokens", V.Int(64)), ("max_new_tokens", V.Int(32))], Severity.Error, "min_new_tokens", ["min_new_tokens (64) is greater than max_new_tokens (32)"] },
        { [("min_new_tokens", V.Int(64))], Severity.Error, "min_new_tokens", ["max_new_tokens (32)"] }, // against the default
        { [("batching.strategy", V.Word("dynamic")), ("batching.max_tokens_per_batch", V.Int(128)), ("prompts", Prompts256)], Severity.Error, "batching.max_tokens_per_batch",
            ["cannot hold the longest prompt (256 tokens)", "at least 256"] },
        { [("batching.strategy", V.Word("sorted_dynamic")), ("prompts", V.Named("synthetic", ("input_tokens", V.Int(10_000))))], Severity.Error, "prompts",
            ["batching.max_tokens_per_batch (8192)", "(10000 tokens)"] },
        { [("batching.max_tokens_per_batch", V.Int(128)), ("prompts", Prompts256)], Severity.Warning, "batching.max_tokens_per_batch",
            ["has no effect while batching.strategy = static", "set batching.strategy = dynamic or sorted_dynamic"] },
        { [("traffic.qps", V.Dec(4))], Severity.Warning, "traffic.qps", ["traffic.qps has no effect while traffic.mode = none", "constant or poisson"] },
        { [("traffic.mode", V.Word("constant")), ("traffic.burstiness", V.Dec(0.5))], Severity.Warning, "traffic.burstiness", ["traffic.mode = constant", "set traffic.mode = poisson"] },
        { [("warmup.cv_threshold", V.Dec(0.02))], Severity.Warning, "warmup.cv_threshold", ["while warmup.mode = fixed"] },
        { [("warmup.mode", V.Word("until_stable"))], Severity.Error, "warmup.mode", ["needs at least warmup.window (5)", "warmup.count is 2"] },
        { [("warmup.mode", V.Word("until_stable")), ("warmup.count", V.Int(3))], Severity.Error, "warmup.count", ["warmup.count is 3"] },
        { [("parallel.mode", V.Word("data"))], Severity.Error, "parallel.mode", ["parallel.mode = data needs parallel.devices with at least two devices"] },
        { [("parallel.mode", V.Word("pipeline")), ("parallel.devices", V.List(V.Text("cuda:0")))], Severity.Error, "parallel.devices", ["at least two devices"] },
        { [("parallel.mode", V.Word("data")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:0")))], Severity.Error, "parallel.devices", ["lists \"cuda:0\" 2 times"] },
        { [("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1")))], Severity.Warning, "parallel.devices", ["no effect while parallel.mode = none"] },
        { [("parallel.mode", V.Word("pipeline")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1"), V.Text("cuda:1")))], Severity.Error, "parallel.devices", ["lists \"cuda:1\" 2 times"] },
        { [("parallel.mode", V.Word("data")), ("parallel.devices", V.List(V.Text("cpu"), V.Text("cpu")))], Severity.Error, "parallel.devices", ["lists \"cpu\" 2 times"] },
        { [("parallel.mode", V.Word("tensor")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:0")))], Severity.Error, "parallel.devices", ["lists \"cuda:0\" 2 times"] },
        { [("parallel.mode", V.Word("tensor")), ("parallel.devices", V.List(V.Text("cuda:1")))], Severity.Error, "parallel.devices", ["parallel.mode = tensor needs parallel.devices with at least two devices"] },
        { [("traffic.concurrency", V.Int(4))], Severity.Warning, "traffic.concurrency", ["no effect while traffic.mode = none"] },
        { [("measurement.gpus", V.List(V.Text("cuda:0"))), ("parallel.mode", V.Word("data")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1")))],
            Severity.Error, "measurement.gpus", ["each data-parallel worker meters the device it runs on"] },
        // a module's own rule, checked when it is the chosen backend
        { [("scripted.step_ms", V.Int(0)), ("precision", V.Word("bf16"))], Severity.Error, "scripted.step_ms", ["cannot run bf16"] },
        { [("decoder.top_p", V.Dec(0.9))], Severity.Info, "decoder.top_p", ["decoder.top_p has no effect: decoding is greedy (decoder.preset = deterministic)"] },
        { [("decoder.preset", V.Word("standard")), ("decoder.temperature", V.Int(0)), ("decoder.top_k", V.Int(5))], Severity.Info, "decoder.top_k", ["greedy (decoder.temperature = 0)"] },
        { [("decoder.temperature", V.Dec(0.7))], Severity.Info, "decoder.temperature",
            ["decoder.temperature = 0.7 overrides the deterministic preset", "decoder.top_p = 1 (preset)", "decoder.top_k = 0 (preset)"] },
        { [("carbon.intensity_g_per_kwh", V.Int(56)), ("carbon.region", V.Text("FR"))], Severity.Info, "carbon.region", ["carbon.region has no effect"] },
        { [("carbon.region", V.Text("US-CA"))], Severity.Warning, "carbon.region",
            ["carbon.region = \"US-CA\" is not in the built-in carbon intensity table", "not given its country's average", "LEM_ELECTRICITYMAPS_TOKEN", "close known regions: US (United States)"] },
        { [("carbon.region", V.Text("FX"))], Severity.Warning, "carbon.region", ["\"FX\" is not in the built-in", "close known regions: MX (Mexico), FR (France), FI (Finland)"] },
        { [("prompts", V.Named("synthetic", ("input_tokens", V.Int(64)), ("min_input_tokens", V.Int(128))))], Severity.Error, "prompts",
            ["min_input_tokens (128) is greater than input_tokens (64)"] },
    };

    /// <summary>What the chosen backend's capabilities rule out (LEM1005), asked of its module, never of its name.</summary>
    public static TheoryData<(string, ConfigValue)[], Severity, string, string[]> CapabilityCases => new()
    {
        { [("precision", V.Word("fp16"))], Severity.Error, "precision", ["backend = scripted does not support precision = fp16", "fp32, bf16"] },
        { [("backend", V.Word("scripted_server")), ("quantization", V.Word("int8"))], Severity.Error, "quantization", ["does not support quantization = int8", "choose one of none"] },
        { [("backend", V.Word("scripted_server")), ("parallel.mode", V.Word("data")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1")))],
            Severity.Error, "parallel.mode", ["does not support parallel.mode = data"] },
        { [("backend", V.Word("scripted_server")), ("model", V.Text("models/x.gguf"))], Severity.Error, "model",
            ["backend = scripted_server cannot load a GGUF file", "a model id the server knows or synthetic(\"PRESET\")"] },
        { [("traffic.mode", V.Word("concurrent"))], Severity.Error, "traffic.mode", ["backend = scripted runs the batches lem forms"] },
        { [("traffic.max_concurrency", V.Int(4))], Severity.Warning, "traffic.max_concurrency", ["has no effect with backend = scripted"] },
        { [("backend", V.Word("scripted_server")), ("batching.batch_size", V.Int(8))], Severity.Warning, "batching.batch_size",
            ["has no effect with backend = scripted_server: it batches requests itself"] },
    };

    [Theory]
    [MemberData(nameof(CapabilityCases))]
    public void Reports_one_LEM1005_finding_from_the_backends_capabilities((string, ConfigValue)[] values, Severity severity, string parameter, string[] fragments)
    {
        var set = V.Set(values);

        var diagnostic = Assert.Single(TestRegistry.Instance.Validate(set));

        Assert.Equal(("LEM1005", severity, parameter), (diagnostic.Code, diagnostic.Severity, diagnostic.Parameter));
        Assert.Equal(set[parameter].From, diagnostic.Location);
        foreach (var fragment in fragments) Assert.Contains(fragment, diagnostic.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_one_LEM1006_finding((string, ConfigValue)[] values, Severity severity, string parameter, string[] fragments)
    {
        var set = V.Set(values);

        var diagnostic = Assert.Single(TestRegistry.Instance.Validate(set));

        Assert.Equal("LEM1006", diagnostic.Code);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(parameter, diagnostic.Parameter);
        Assert.Equal(set[parameter].From, diagnostic.Location);
        foreach (var fragment in fragments) Assert.Contains(fragment, diagnostic.Message);
    }

    public static TheoryData<(string, ConfigValue)[]> ValidCombinations => new()
    {
        { [("min_new_tokens", V.Int(128)), ("max_new_tokens", V.Int(128))] },
        { [("batching.strategy", V.Word("dynamic")), ("batching.max_tokens_per_batch", V.Int(256)), ("prompts", Prompts256)] },
        // a file's longest prompt is not known before tokenising: nothing to say
        { [("batching.strategy", V.Word("dynamic")), ("batching.max_tokens_per_batch", V.Int(16)), ("prompts", V.Call("file", V.Text("p.jsonl")))] },
        { [("traffic.mode", V.Word("poisson")), ("traffic.qps", V.Dec(4)), ("traffic.burstiness", V.Dec(0.5)), ("traffic.max_wait", V.Ms(50)), ("traffic.seed", V.Int(3))] },
        { [("warmup.mode", V.Word("until_stable")), ("warmup.count", V.Int(30)), ("warmup.window", V.Int(5)), ("warmup.cv_threshold", V.Dec(0.02))] },
        { [("parallel.mode", V.Word("data")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1")))] },
        { [("device", V.Text("cpu"))] },
        { [("scripted.step_ms", V.Int(0)), ("precision", V.Word("fp32"))] },
        { [("backend", V.Word("scripted_server")), ("traffic.mode", V.Word("concurrent")), ("traffic.concurrency", V.Int(8))] },
        { [("backend", V.Word("scripted_server")), ("traffic.mode", V.Word("poisson")), ("traffic.max_concurrency", V.Int(8))] },
        { [("measurement.gpus", V.List(V.Text("cuda:1"))), ("device", V.Text("cuda:0"))] },
        { [("parallel.mode", V.Word("pipeline")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1")))] },
        // a pipeline's stages may share the host: a split checked without GPUs
        { [("parallel.mode", V.Word("pipeline")), ("parallel.devices", V.List(V.Text("cpu"), V.Text("cpu")))] },
        // so may a tensor split's ranks
        { [("parallel.mode", V.Word("tensor")), ("parallel.devices", V.List(V.Text("cpu"), V.Text("cpu"), V.Text("cpu"), V.Text("cpu")))] },
        { [("parallel.mode", V.Word("tensor")), ("parallel.devices", V.List(V.Text("cuda:0"), V.Text("cuda:1")))] },
        { [("decoder.preset", V.Word("standard")), ("decoder.top_p", V.Dec(0.8))] },
        { [("decoder.preset", V.Word("deterministic")), ("decoder.repetition_penalty", V.Dec(1.1))] }, // applies to greedy decoding too
    };

    [Theory]
    [MemberData(nameof(ValidCombinations))]
    public void Consistent_combinations_have_no_findings((string, ConfigValue)[] values) =>
        Assert.Empty(TestRegistry.Instance.Validate(V.Set(values)));

    [Fact]
    public void No_rule_fires_on_a_value_that_is_itself_invalid()
    {
        var diagnostics = TestRegistry.Instance.Validate(V.Set(("max_new_tokens", V.Text("lots")), ("min_new_tokens", V.Int(64))));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("LEM1002", diagnostic.Code);
    }

    [Fact]
    public void An_invalid_preset_does_not_produce_notes_about_its_fallback()
    {
        var diagnostics = TestRegistry.Instance.Validate(V.Set(("decoder.preset", V.Word("greedy")), ("decoder.top_p", V.Dec(0.9))));
        Assert.Equal(["LEM1004"], diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Synthetic_prompts_need_a_backend_with_a_tokenizer()
    {
        var registry = ParameterRegistry.Compose([new ScriptedRequestModule(Lem.Engine.Meters.MeterClock.System, hasTokenizer: false)]);

        var diagnostic = Assert.Single(registry.Validate(V.Set(("prompts", V.Named("synthetic", ("count", V.Int(4)))))));
        Assert.Equal(("LEM1005", "prompts"), (diagnostic.Code, diagnostic.Parameter));
        Assert.Contains("has no tokenizer lem can use", diagnostic.Message);
        Assert.Empty(registry.Validate(V.Set(("prompts", V.Call("file", V.Text("p.jsonl"))))));
    }

    [Fact]
    public void A_backend_that_takes_token_ids_without_a_tokenizer_of_its_own_is_left_to_its_rules()
    {
        var registry = ParameterRegistry.Compose([new ScriptedRequestModule(Lem.Engine.Meters.MeterClock.System, hasTokenizer: false, takesTokenIdPrompts: true)]);

        Assert.Empty(registry.Validate(V.Set(("prompts", V.Named("synthetic", ("count", V.Int(4)))))));
    }
}
