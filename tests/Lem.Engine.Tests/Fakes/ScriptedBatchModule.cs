using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Meters;
using Lem.Engine.Tests.Workload;

namespace Lem.Engine.Tests.Fakes;

/// <summary>
/// A backend module of the batch shape for engine tests: its model (<see cref="FakeModel"/>) takes a fixed time per
/// step on the given clock and produces scripted tokens. Its section <c>scripted.*</c> has one parameter and one rule.
/// </summary>
internal sealed class ScriptedBatchModule(MeterClock? clock = null, TimeSpan? stepTime = null) : IBackendModule
{
    public const string Steps = "scripted.step_ms";

    public string Name => "scripted";
    public string Summary => "scripted tokens at a fixed step time, for tests";
    public IReadOnlyList<string> OriginalNames => ["scripted_original"];

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new(Steps, ParameterKind.Decimal, new ConfigValue.Decimal(1.0), "Milliseconds per decode step.", Unit: "ms", Min: 0, Max: 1000),
    ];

    public BackendCapabilities Capabilities { get; } = new(ExecutionShape.Batch, ["fp32", "bf16"], ["none", "int8"], ["none", "data", "pipeline", "tensor"],
        [ModelSourceKind.HuggingFaceFolder, ModelSourceKind.Synthetic, ModelSourceKind.GgufFile], TracesFlops: false, ReportsDeviceMemory: false, HasTokenizer: true);

    /// <summary>A step time of 0 ms with bf16 is refused, to show a module's own rule.</summary>
    public void CheckRules(EffectiveValues values, Findings findings)
    {
        if (values.Number(Steps) == 0 && values.Word("precision") == "bf16")
            findings.At(Steps, values.Where(Steps)).Error(DiagnosticCodes.CrossField, $"{Steps} = 0 cannot run bf16: give it a step time.");
    }

    public string ResolveModel(ModelSpec model, string baseFolder) =>
        model.IsSynthetic ? "synthetic:" + model.SyntheticPreset
        : model.Location == Unresolvable ? throw new InferenceException($"model {model} cannot be resolved (scripted)")
        : model.PathFrom(baseFolder);

    /// <summary>A model location that <see cref="ResolveModel"/> refuses, as a missing model would be.</summary>
    public const string Unresolvable = "unresolvable-model";

    public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config) => config.DevicesUsed;

    public List<ModelLoadRequest> Loads { get; } = [];

    /// <summary>The loaded model's facts: a counter and a constant (<see cref="FakeModel.ReportsFacts"/>).</summary>
    public bool ReportsFacts { get; init; }

    /// <summary>What the loaded model says about itself; null: <see cref="FakeModel"/>'s own.</summary>
    public ModelInfo? Info { get; init; }

    /// <summary>Per load: the Generate call (1-based, warm-up included) at which that model throws.</summary>
    public Func<ModelLoadRequest, int?> FailsAtCall { get; init; } = _ => null;

    /// <summary>Every model loaded, in load order.</summary>
    public List<FakeModel> Models { get; } = [];

    /// <summary>How long a load takes on the clock (the weights "copied" to the device).</summary>
    public TimeSpan LoadTime { get; init; }

    /// <summary>How long disposing a loaded model takes on the clock (a launched server stopping).</summary>
    public TimeSpan DisposeTime { get; init; }

    /// <summary>Per load: an error the load throws instead of returning a model (a server that never became ready).</summary>
    public Func<ModelLoadRequest, Exception?> FailsAtLoad { get; init; } = _ => null;

    public ILoadedModel Load(ModelLoadRequest request)
    {
        Loads.Add(request);
        if (FailsAtLoad(request) is { } error) throw error;
        if (LoadTime > TimeSpan.Zero) clock?.Sleep(LoadTime);
        var model = new FakeModel(stepTime ?? TimeSpan.FromMilliseconds(request.Option(Steps, 1.0)), _ => 4, clock: clock)
        {
            ReportsFacts = ReportsFacts,
            Info = Info ?? FakeModel.DefaultInfo,
            FailsAtCall = FailsAtCall(request),
            OnDispose = DisposeTime > TimeSpan.Zero ? () => clock?.Sleep(DisposeTime) : null,
        };
        Models.Add(model);
        return model;
    }

    public IDeviceLoad? DeviceLoad => null;
}
