using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Fakes;

/// <summary>
/// A backend module of the request shape for engine tests, as a server would be: its model streams scripted chunks with
/// scripted timings on the given clock (<see cref="ScriptedServer"/>). It accepts server model ids and meters cuda:0 by default.
/// </summary>
internal sealed class ScriptedRequestModule(MeterClock clock, bool hasTokenizer = true, bool takesTokenIdPrompts = false) : IBackendModule
{
    public string Name => "scripted_server";
    public string Summary => "a scripted streaming server, for tests";
    public IReadOnlyList<string> OriginalNames => [];

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("scripted_server.chunk_tokens", ParameterKind.Integer, new ConfigValue.Integer(1), "Tokens per streamed chunk.", Unit: "tokens", Min: 1, Max: 64),
    ];

    public BackendCapabilities Capabilities { get; } = new(ExecutionShape.Request, ["fp32", "fp16", "bf16"], ["none"], ["none"],
        [ModelSourceKind.ServerModelId, ModelSourceKind.Synthetic], TracesFlops: false, ReportsDeviceMemory: false, HasTokenizer: hasTokenizer)
    {
        TakesTokenIdPrompts = takesTokenIdPrompts,
    };

    public void CheckRules(EffectiveValues values, Findings findings) { }

    public string ResolveModel(ModelSpec model, string baseFolder) => model.IsSynthetic ? "synthetic:" + model.SyntheticPreset : model.Location!;

    public IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config) => [new DeviceSpec(DeviceKind.Cuda, 0)];

    public ILoadedModel Load(ModelLoadRequest request) =>
        new ScriptedServer(clock, chunkTokens: (int)request.Option("scripted_server.chunk_tokens", 1L));

    public IDeviceLoad? DeviceLoad => null;
}
