using Lem.Engine.Tests.Fakes;
using Lem.Engine.Config;

namespace Lem.Engine.Tests.Config;

public class ParameterRegistryTests
{
    [Fact]
    public void Names_are_unique_dotted_snake_case()
    {
        Assert.Equal(TestRegistry.Instance.All.Count, TestRegistry.Instance.All.Select(d => d.Name).Distinct().Count());
        Assert.All(TestRegistry.Instance.All, d => Assert.Matches("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$", d.Name));
    }

    [Fact]
    public void Every_entry_is_documented_and_coherent()
    {
        foreach (var d in TestRegistry.Instance.All)
        {
            Assert.True(d.Help.Length >= 20, $"{d.Name}: help too short");
            Assert.True(d.Kind == ParameterKind.Choice == (d.AllowedValuesOrEmpty.Count > 0), $"{d.Name}: allowed values only for choices");
            if (d.Min is not null && d.Max is not null) Assert.True(d.Min <= d.Max, $"{d.Name}: min > max");
            if (d.Kind is ParameterKind.Integer or ParameterKind.Decimal) Assert.True(d.Min is not null && d.Max is not null, $"{d.Name}: numbers need a range");
        }
    }

    /// <summary>A module whose int4 is its own scheme, described in its capabilities.</summary>
    private sealed class Int4Module(string name, string int4) : Lem.Engine.Inference.IBackendModule
    {
        public string Name => name;
        public string Summary => "int4 test module";
        public IReadOnlyList<string> OriginalNames => [];
        public IReadOnlyList<ParameterDefinition> Parameters => [];
        public Lem.Engine.Inference.BackendCapabilities Capabilities => new(Lem.Engine.Inference.ExecutionShape.Batch, ["fp32"], ["none", "int4"], ["none"],
            [Lem.Engine.Inference.ModelSourceKind.Synthetic], false, false, true, new Dictionary<string, string> { ["int4"] = int4 });
        public void CheckRules(EffectiveValues values, Findings findings) { }
        public string ResolveModel(ModelSpec model, string baseFolder) => "m";
        public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config) => config.DevicesUsed;
        public Lem.Engine.Inference.ILoadedModel Load(Lem.Engine.Inference.ModelLoadRequest request) => throw new NotSupportedException();
        public Lem.Engine.Inference.IDeviceLoad? DeviceLoad => null;
    }

    [Fact]
    public void The_quantization_help_is_composed_from_what_each_backend_says_its_values_mean()
    {
        var registry = ParameterRegistry.Compose([new Int4Module("alpha", "symmetric, groups of 128 inputs"), new Int4Module("beta", "asymmetric, blocks of 32 inputs")]);
        Assert.True(registry.TryGet("quantization", out var quantization));
        var help = quantization.Help;

        Assert.Contains("alpha int4: symmetric, groups of 128 inputs.", help);
        Assert.Contains("beta int4: asymmetric, blocks of 32 inputs.", help);
        Assert.Contains("one value in two backends is two schemes", help);
        Assert.Equal(["none", "int4"], quantization.AllowedValuesOrEmpty);
    }

    [Fact]
    public void The_core_names_of_the_language_are_all_there()
    {
        string[] core =
        [
            "model", "backend", "device", "precision", "max_new_tokens", "min_new_tokens", "prompts", "batching.strategy",
            "batching.batch_size", "batching.max_tokens_per_batch", "decoder.preset", "decoder.temperature", "decoder.top_p",
            "decoder.top_k", "decoder.seed", "traffic.mode", "traffic.qps", "traffic.seed", "warmup.mode", "warmup.count",
            "baseline.duration", "cycles",
        ];
        Assert.All(core, name => Assert.True(TestRegistry.Instance.TryGet(name, out _), name));
    }

    [Fact]
    public void Sections_and_calls_are_exposed_for_the_language()
    {
        Assert.Superset(new HashSet<string> { "batching", "decoder", "traffic", "warmup", "baseline", "measurement", "carbon", "cpu", "ram", "parallel", "scripted", "scripted_server", "results" },
            new HashSet<string>(TestRegistry.Instance.Sections));
        Assert.Equal(["synthetic", "file"], TestRegistry.Instance.CallsFor("prompts").Select(c => c.Name));
        Assert.Equal(["synthetic"], TestRegistry.Instance.CallsFor("model").Select(c => c.Name));
        Assert.Empty(TestRegistry.Instance.CallsFor("precision"));
    }

    [Fact]
    public void Call_argument_defaults_pass_their_own_checks()
    {
        foreach (var signature in CallCatalogue.PromptCalls)
        {
            var positional = signature.Positional.Select(_ => V.Text("prompts.txt")).ToArray();
            var named = signature.Named.Where(a => a.Default is not null).Select(a => (a.Name, a.Default!)).ToArray();
            Assert.Empty(TestRegistry.Instance.CheckValue("prompts", new ResolvedValue(V.Call(signature.Name, positional, named), V.Line(1))));
        }
    }
}
