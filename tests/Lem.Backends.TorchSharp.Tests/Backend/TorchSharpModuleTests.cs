using Lem.Backends.TorchSharp.Backend;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Synthetic;

namespace Lem.Backends.TorchSharp.Tests.Backend;

/// <summary>The torchsharp module as the registry composes it: its section, capabilities and rules, and model resolution.</summary>
public sealed class TorchSharpModuleTests : IDisposable
{
    private static readonly ParameterRegistry Registry = ParameterRegistry.Compose([new TorchSharpModule()]);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lem-module-tests-" + Guid.NewGuid().ToString("N"));

    private static Dictionary<string, ResolvedValue> Set(params (string Name, ConfigValue Value)[] values) =>
        values.Select((v, i) => (v.Name, new ResolvedValue(v.Value, new Provenance.Assignment("test.lem", i + 1, 1))))
            .ToDictionary(p => p.Name, p => p.Item2);

    private static ConfigValue.List Devices(params string[] devices) => new(devices.Select(d => (ConfigValue)new ConfigValue.Text(d)).ToArray());

    [Fact]
    public void Its_section_is_in_the_registry_and_applies_to_it_alone()
    {
        Assert.True(Registry.TryGet(TorchSharpModule.CudaGraphs, out var graphs));
        Assert.Equal(["torchsharp"], graphs.BackendsOrAll);
        Assert.Equal("torchsharp", Registry.Module("torchsharp")!.Name);
        Assert.Equal("torchsharp", Registry.ModuleForOriginalName("pytorch")!.Name);
        Assert.Contains("torchsharp (TorchSharp on libtorch", Registry.All.Single(d => d.Name == "backend").Help);
    }

    public static TheoryData<(string, ConfigValue)[], string[]> Errors => new()
    {
        { [(TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(true)), ("parallel.mode", new ConfigValue.Word("pipeline")), ("parallel.devices", Devices("cuda:0", "cuda:1"))],
            ["cannot be used with parallel.mode = pipeline", "Remove torchsharp.cuda_graphs"] },
        { [(TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(true))], ["needs a CUDA device", "device is \"cpu\""] },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Its_rules_report_contradictions((string, ConfigValue)[] values, string[] fragments)
    {
        var diagnostic = Assert.Single(Registry.Validate(Set(values)));
        Assert.Equal(("LEM1006", Severity.Error, TorchSharpModule.CudaGraphs), (diagnostic.Code, diagnostic.Severity, diagnostic.Parameter));
        foreach (var fragment in fragments) Assert.Contains(fragment, diagnostic.Message);
    }

    private static readonly (string, ConfigValue)[] TensorOverTwoCpus = [("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices("cpu", "cpu"))];

    private static ConfigValue Synthetic(string preset) =>
        new ConfigValue.Call("synthetic", [new ConfigValue.Text(preset)], []);

    public static TheoryData<(string, ConfigValue)[], string, string[]> TensorErrors => new()
    {
        { [("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices("cuda:0", "cuda:1")), (TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(true))], TorchSharpModule.CudaGraphs,
            ["cannot be used with parallel.mode = tensor", "sums across them", "Remove torchsharp.cuda_graphs (a tensor split decodes eagerly)"] },
        { [.. TensorOverTwoCpus, ("quantization", new ConfigValue.Word("int8"))], "quantization",
            ["quantization = int8 cannot be combined with parallel.mode = tensor", "Set quantization = none"] },
        { [("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices("cpu", "cpu", "cpu")), ("model", Synthetic("llama:tiny"))], "parallel.devices",
            ["synthetic(\"llama:tiny\"): A tensor split over 3 devices (cpu, cpu, cpu)", "4 attention heads, which 3 does not divide", "Use 2 devices"] },
        { [("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices("cuda:0", "cuda:1", "cuda:2", "cuda:3")), ("model", Synthetic("qwen2.5-0.5b"))], "parallel.devices",
            ["14 attention heads, which 4 does not divide", "Use 2 devices"] },
    };

    [Theory]
    [MemberData(nameof(TensorErrors))]
    public void A_tensor_split_is_checked_before_it_runs((string, ConfigValue)[] values, string parameter, string[] fragments)
    {
        var diagnostic = Assert.Single(Registry.Validate(Set(values)));
        Assert.Equal(("LEM1006", Severity.Error, parameter), (diagnostic.Code, diagnostic.Severity, diagnostic.Parameter));
        foreach (var fragment in fragments) Assert.Contains(fragment, diagnostic.Message);
    }

    [Fact]
    public void Prefill_graphs_without_decode_graphs_are_an_error_that_says_which_to_change()
    {
        var values = Set([(TorchSharpModule.PrefillGraphs, new ConfigValue.Boolean(true)), (TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(false))]);
        var diagnostic = Assert.Single(Registry.Validate(values));
        Assert.Equal(("LEM1006", Severity.Error, TorchSharpModule.PrefillGraphs), (diagnostic.Code, diagnostic.Severity, diagnostic.Parameter));
        Assert.Contains("torchsharp.prefill_graphs = true needs torchsharp.cuda_graphs = true", diagnostic.Message);
        Assert.Empty(Registry.Validate(Set([(TorchSharpModule.PrefillGraphs, new ConfigValue.Boolean(true))])));
    }

    public static TheoryData<(string, ConfigValue)[]> Consistent => new()
    {
        { [("device", new ConfigValue.Text("cpu"))] }, // cuda_graphs defaults to true: graphs where there is a CUDA device
        { [(TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(false)), ("device", new ConfigValue.Text("cpu"))] },
        { [(TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(true)), ("device", new ConfigValue.Text("cuda:0"))] },
        { [(TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(true)), ("parallel.mode", new ConfigValue.Word("data")), ("parallel.devices", Devices("cuda:0", "cuda:1"))] },
        { [(TorchSharpModule.CudaGraphs, new ConfigValue.Boolean(false)), ("parallel.mode", new ConfigValue.Word("pipeline")), ("parallel.devices", Devices("cuda:0", "cuda:1"))] },
        // a tensor split over the host's cores checks the split without GPUs; 32 heads and 8 key/value heads divide by 4
        { [("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices("cpu", "cpu")), ("model", new ConfigValue.Call("synthetic", [new ConfigValue.Text("qwen3:tiny")], []))] },
        { [("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices("cuda:0", "cuda:1", "cuda:2", "cuda:3")), ("model", new ConfigValue.Call("synthetic", [new ConfigValue.Text("llama-3.2-1b")], []))] },
        { [(TorchSharpModule.Attention, new ConfigValue.Word("eager")), (TorchSharpModule.LibtorchPath, new ConfigValue.Text("/opt/torch/lib"))] },
    };

    [Theory]
    [MemberData(nameof(Consistent))]
    public void Consistent_settings_have_no_findings((string, ConfigValue)[] values) => Assert.Empty(Registry.Validate(Set(values)));

    [Fact]
    public void A_tensor_split_of_a_model_folder_is_checked_against_its_config_before_it_runs()
    {
        var folder = Path.Combine(_folder, "llama");
        SyntheticModelWriter.Write(SyntheticPresets.Get("llama", "tiny"), 0, folder); // 4 heads, 2 key/value heads
        var module = new TorchSharpModule();
        IReadOnlyList<Diagnostic> Preflight(params string[] devices)
        {
            var config = ExperimentConfig.From(Set(("model", new ConfigValue.Text(folder)), ("parallel.mode", new ConfigValue.Word("tensor")), ("parallel.devices", Devices(devices))), Registry);
            var findings = new Findings();
            module.Preflight(config, _folder, findings);
            return findings.All;
        }
        var diagnostic = Assert.Single(Preflight("cpu", "cpu", "cpu"));
        Assert.Equal(("LEM1006", Severity.Error, "parallel.devices"), (diagnostic.Code, diagnostic.Severity, diagnostic.Parameter));
        Assert.Contains("4 attention heads, which 3 does not divide", diagnostic.Message);
        Assert.Contains("Use 2 devices", diagnostic.Message);
        Assert.Empty(Preflight("cpu", "cpu"));
    }

    [Fact]
    public void An_empty_libtorch_path_is_refused() =>
        Assert.Equal("LEM1007", Assert.Single(Registry.Validate(Set((TorchSharpModule.LibtorchPath, new ConfigValue.Text(" "))))).Code);

    [Fact]
    public void A_gguf_file_is_refused_by_the_checker_with_what_it_can_load()
    {
        var diagnostic = Assert.Single(Registry.Validate(Set(("model", new ConfigValue.Text("m.gguf")))));
        Assert.Equal("LEM1005", diagnostic.Code);
        Assert.Contains("cannot load a GGUF file: its model can be a Hugging Face folder or synthetic(\"PRESET\")", diagnostic.Message);
    }

    [Fact]
    public void Synthetic_models_are_written_as_hugging_face_folders_and_paths_resolve_against_the_script()
    {
        var module = new TorchSharpModule(() => new SyntheticModelCache(_folder));
        var folder = module.ResolveModel(ModelSpec.Synthetic("tiny", 3), "/irrelevant");
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        Assert.Equal("/scripts/models/llama", module.ResolveModel(ModelSpec.At("models/llama"), "/scripts"));
        Directory.CreateDirectory(_folder);
        var file = Path.Combine(_folder, "m.gguf");
        File.WriteAllText(file, "");
        var e = Assert.Throws<InferenceException>(() => module.ResolveModel(ModelSpec.At(file), "/"));
        Assert.Contains("backend = llamacpp", e.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
