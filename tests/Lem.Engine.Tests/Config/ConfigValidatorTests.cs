using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class ConfigValidatorTests
{
    /// <summary>(parameter, value, expected code, fragments of the message). Each case sets one parameter.</summary>
    public static TheoryData<string, ConfigValue, string, string[]> SingleValueCases => new()
    {
        // LEM1001 unknown names
        { "batch_size", V.Int(8), "LEM1001", ["unknown parameter 'batch_size'", "did you mean 'batching.batch_size'?"] },
        { "decoder.temprature", V.Dec(0.5), "LEM1001", ["did you mean 'decoder.temperature'?"] },
        { "batching", V.Int(8), "LEM1001", ["'batching' is a section", "batching.strategy"] },
        { "frobnicate", V.Int(1), "LEM1001", ["unknown parameter 'frobnicate'", "lem config params"] },
        { "prompts", V.Named("synthetic", ("cout", V.Int(8))), "LEM1001", ["synthetic() has no argument 'cout'", "did you mean 'count'?", "count, input_tokens"] },
        // LEM1002 wrong types
        { "batching.batch_size", V.Text("8"), "LEM1002", ["batching.batch_size expects a whole number", "the text \"8\"", "remove the quotes"] },
        { "batching.batch_size", V.Dec(8.5), "LEM1002", ["use a whole number"] },
        { "device", V.Word("cpu"), "LEM1002", ["device expects text in double quotes", "\"cpu\""] },
        { "baseline.duration", V.Int(30), "LEM1002", ["duration with a unit", "for example 30s"] },
        { "measurement.time_series", V.Text("yes"), "LEM1002", ["true or false"] },
        { "prompts", V.Text("data.jsonl"), "LEM1002", ["prompt source", "file(\"data.jsonl\")"] },
        { "parallel.devices", V.Text("cuda:0"), "LEM1002", ["a list of texts", "[\"cuda:0\"]"] },
        { "parallel.devices", V.List(V.Int(0), V.Int(1)), "LEM1002", ["a list of texts"] },
        { "model", V.Int(3), "LEM1002", ["model expects a model folder path", "synthetic(\"PRESET\")"] },
        { "precision", V.Int(16), "LEM1002", ["precision expects one of fp32, fp16, bf16", "the integer 16"] },
        { "decoder.temperature", V.Ms(5), "LEM1002", ["decoder.temperature expects a number", "the duration 5ms"] },
        { "prompts", V.Named("synthetic", ("count", V.Text("8"))), "LEM1002", ["prompts: synthetic() argument 'count' expects a whole number"] },
        { "prompts", V.Call("file", [V.Text("p.csv")], ("shuffle", V.Text("yes"))), "LEM1002", ["argument 'shuffle' expects true or false"] },
        // LEM1003 out of range
        { "batching.batch_size", V.Int(0), "LEM1003", ["batching.batch_size = 0 is out of range", "from 1 to 65536 prompts"] },
        { "decoder.top_p", V.Dec(1.5), "LEM1003", ["decoder.top_p = 1.5", "from 0 to 1"] },
        { "measurement.sample_interval", V.Ms(0.5), "LEM1003", ["measurement.sample_interval = 0.5ms", "from 1ms to 10s"] },
        { "decoder.seed", V.Int(-1), "LEM1003", ["decoder.seed = -1", "at least 0."] },
        { "carbon.pue", V.Dec(0.8), "LEM1003", ["carbon.pue = 0.8", "from 1 to 5"] },
        { "prompts", V.Named("synthetic", ("count", V.Int(0))), "LEM1003", ["prompts: synthetic() argument 'count' = 0", "from 1 to 10000000 prompts"] },
        // LEM1004 not allowed
        { "precision", V.Word("bf61"), "LEM1004", ["precision = bf61 is not allowed", "choose one of fp32, fp16, bf16", "did you mean 'bf16'?"] },
        { "traffic.mode", V.Word("poison"), "LEM1004", ["did you mean 'poisson'?"] },
        { "batching.strategy", V.Word("sorted"), "LEM1004", ["did you mean 'sorted_static'?"] },
        { "backend", V.Word("vllm"), "LEM1004", ["backend = vllm is not allowed", "scripted, scripted_server"] },
        { "prompts", V.Call("fil", V.Text("p.jsonl")), "LEM1004", ["prompts = fil(...) is not allowed", "file(path, ", "did you mean 'file'?"] },
        { "prompts", V.Call("file", [V.Text("p.jsonl")], ("format", V.Word("yaml"))), "LEM1004", ["argument 'format' = yaml", "text, jsonl, json, csv, alpaca, gsm8k, sharegpt"] },
        { "model", V.Call("random", V.Text("tiny")), "LEM1004", ["model = random(...) is not allowed", "synthetic(preset"] },
        // LEM1007 malformed text
        { "device", V.Text("gpu0"), "LEM1007", ["\"gpu0\" is not a device", "did you mean \"cuda:0\"?"] },
        { "device", V.Text("cuda"), "LEM1007", ["did you mean \"cuda:0\"?"] },
        { "device", V.Text("cuda:x"), "LEM1007", ["is not a device"] },
        { "device", V.Text("tpu"), "LEM1007", ["write \"cpu\" or \"cuda:N\", for example \"cuda:0\""] },
        { "parallel.devices", V.List(V.Text("cuda:0"), V.Text("CUDA:1")), "LEM1007", ["parallel.devices: \"CUDA:1\" is not a device", "\"cuda:1\""] },
        { "carbon.region", V.Text("France"), "LEM1007", ["ISO 3166", "\"US-CA\""] },
        { "model", V.Text(" "), "LEM1007", ["model is an empty path"] },
        { "results.dir", V.Text(""), "LEM1007", ["results.dir is an empty path"] },
        { "prompts", V.Call("file", V.Text("")), "LEM1007", ["argument 'path' is empty"] },
        // LEM1008 malformed calls
        { "prompts", V.Call("file"), "LEM1008", ["file() needs its 'path' argument", "file(path, format = ..."] },
        { "prompts", V.Call("synthetic", V.Int(8)), "LEM1008", ["synthetic() takes no positional arguments", "count = ..."] },
        { "prompts", V.Call("file", V.Text("a.txt"), V.Word("text")), "LEM1008", ["file() takes 1 positional argument (path)"] },
        { "prompts", V.Call("file", [V.Text("a.txt")], ("path", V.Text("b.txt"))), "LEM1008", ["argument 'path' is given twice"] },
        { "model", V.Call("synthetic"), "LEM1008", ["synthetic() needs its 'preset' argument"] },
    };

    [Theory]
    [MemberData(nameof(SingleValueCases))]
    public void Reports_one_bad_value_with_its_code_parameter_location_and_message(string name, ConfigValue value, string code, string[] fragments)
    {
        var diagnostics = TestRegistry.Instance.Validate(V.Set((name, value)));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(code, diagnostic.Code);
        Assert.Equal(Severity.Error, diagnostic.Severity);
        Assert.Equal(name, diagnostic.Parameter);
        Assert.Equal(V.Line(1), diagnostic.Location);
        foreach (var fragment in fragments) Assert.Contains(fragment, diagnostic.Message);
    }

    [Theory]
    [MemberData(nameof(SingleValueCases))]
    public void CheckValue_reports_the_same_finding_for_one_assignment(string name, ConfigValue value, string code, string[] fragments)
    {
        _ = fragments;
        var diagnostic = Assert.Single(TestRegistry.Instance.CheckValue(name, new ResolvedValue(value, V.Line(7))));
        Assert.Equal(code, diagnostic.Code);
        Assert.Equal(V.Line(7), diagnostic.Location);
    }

    public static TheoryData<string, ConfigValue> ValidValues => new()
    {
        { "model", V.Text("/models/llama") },
        { "model", V.Call("synthetic", [V.Text("llama-3.2-1b")], ("seed", V.Int(3))) },
        { "device", V.Text("cuda:12") },
        { "precision", V.Text("bf16") }, // YAML writes choices as strings
        { "carbon.pue", V.Int(1) }, // integers are accepted for decimals
        { "ram.w_per_gb", V.Dec(0.5) },
        { "baseline.duration", V.Ms(30_000) },
        { "prompts", V.Call("file", [V.Text("p.jsonl")], ("format", V.Word("alpaca")), ("column", V.Text("text")), ("sample", V.Int(100)), ("shuffle", V.Bool(true)), ("seed", V.Int(1))) },
        { "prompts", V.Call("file", [], ("path", V.Text("p.txt"))) },
        { "prompts", V.Named("synthetic", ("count", V.Int(64)), ("input_tokens", V.Int(256)), ("min_input_tokens", V.Int(16))) },
        { "carbon.region", V.Text("FR") },
        { "scripted.step_ms", V.Dec(0.5) },
        { "measurement.gpus", V.List(V.Text("cuda:0"), V.Text("cuda:3")) },
        { "measurement.gpus", V.List() },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Accepts_valid_values_without_findings(string name, ConfigValue value) =>
        Assert.Empty(TestRegistry.Instance.Validate(V.Set((name, value))));

    [Fact]
    public void An_empty_configuration_is_valid() => Assert.Empty(TestRegistry.Instance.Validate(V.Set()));

    [Fact]
    public void Every_registry_default_passes_its_own_checks()
    {
        // the defaults of the default backend's parameters (another backend's section is LEM1005 when written out)
        var defaults = TestRegistry.Instance.All.Where(d => d.Default is not null && d.AppliesTo("scripted")).Select(d => (d.Name, d.Default!)).ToArray();
        Assert.DoesNotContain(TestRegistry.Instance.Validate(V.Set(defaults)), d => d.Severity == Severity.Error);
    }

    [Fact]
    public void A_resolved_map_passed_back_in_is_valid_and_quiet()
    {
        var resolved = ExperimentConfig.From(V.Set(("decoder.preset", V.Word("standard"))), TestRegistry.Instance).Resolved;
        Assert.Empty(TestRegistry.Instance.Validate(resolved));
        Assert.Empty(TestRegistry.Instance.Validate(ExperimentConfig.From(V.Set(), TestRegistry.Instance).Resolved));
    }

    [Fact]
    public void Reports_every_bad_value_not_just_the_first()
    {
        var diagnostics = TestRegistry.Instance.Validate(V.Set(("precision", V.Word("fp8")), ("batch_size", V.Int(4)), ("cycles", V.Int(0))));
        Assert.Equal(["LEM1004", "LEM1001", "LEM1003"], diagnostics.Select(d => d.Code));
        Assert.Equal([V.Line(1), V.Line(2), V.Line(3)], diagnostics.Select(d => d.Location));
    }

    [Fact]
    public void A_parameter_of_another_backend_is_LEM1005()
    {
        var values = V.Set(("backend", V.Word("scripted_server")), ("scripted.step_ms", V.Dec(2)));

        var diagnostic = Assert.Single(TestRegistry.Instance.Validate(values));

        Assert.Equal("LEM1005", diagnostic.Code);
        Assert.Equal("scripted.step_ms", diagnostic.Parameter);
        Assert.Equal(V.Line(2), diagnostic.Location);
        Assert.Contains("applies only to the scripted backend, not to backend = scripted_server", diagnostic.Message);
        Assert.Contains("set backend = scripted", diagnostic.Message);
    }

    [Fact]
    public void Backend_parameters_apply_to_their_own_backend() =>
        Assert.Empty(TestRegistry.Instance.Validate(V.Set(("backend", V.Word("scripted_server")), ("scripted_server.chunk_tokens", V.Int(4)))));

    [Theory]
    [InlineData("cpu", "is not a GPU")]
    [InlineData("gpu0", "did you mean \"cuda:0\"?")]
    public void Metered_gpus_are_cuda_devices(string device, string fragment)
    {
        var diagnostic = Assert.Single(TestRegistry.Instance.Validate(V.Set(("measurement.gpus", V.List(V.Text(device))))));
        Assert.Equal(("LEM1007", "measurement.gpus"), (diagnostic.Code, diagnostic.Parameter));
        Assert.Contains(fragment, diagnostic.Message);
    }
}
