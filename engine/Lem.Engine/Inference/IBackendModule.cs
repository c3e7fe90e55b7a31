using Lem.Engine.Config;

namespace Lem.Engine.Inference;

/// <summary>
/// A backend as a plug-in: everything the engine, the checker and the CLI need to know about one value of the
/// <c>backend</c> parameter. A backend project contributes one or more modules; the CLI's composition is the list of
/// modules, and the parameter registry is composed from the core parameters and every module's at start-up. The engine
/// asks a module what it supports; it never branches on a backend's name.
/// </summary>
public interface IBackendModule
{
    /// <summary>The value of <c>backend</c> (<c>llamacpp</c>, say), also the prefix of its parameter section (<c>llamacpp.*</c>).</summary>
    string Name { get; }

    /// <summary>One line for the <c>backend</c> parameter's help: what runs the model.</summary>
    string Summary { get; }

    /// <summary>The names the original LLenergyMeasure YAML format uses for this backend (the original's <c>pytorch</c> maps to the in-process libtorch backend).</summary>
    IReadOnlyList<string> OriginalNames { get; }

    /// <summary>
    /// Its parameters: its own section (<c>NAME.*</c>; <see cref="ParameterDefinition.Backends"/> left null means this
    /// module alone) and any shared section several modules contribute (<c>server.*</c>, with the same definition
    /// from each; the registry unites their backends).
    /// </summary>
    IReadOnlyList<ParameterDefinition> Parameters { get; }

    BackendCapabilities Capabilities { get; }

    /// <summary>Its rules between parameters (contradictions are errors, values without effect warnings), checked when it is the chosen backend.</summary>
    void CheckRules(EffectiveValues values, Findings findings);

    /// <summary>
    /// What <c>model</c> means for this backend, resolved to what <see cref="Load"/> takes (a folder, a file, a server
    /// model id): relative paths against <paramref name="baseFolder"/> (the script's folder), synthetic models written in
    /// this backend's format into the cache on first use. Throws <see cref="InferenceException"/> with the remedy.
    /// </summary>
    string ResolveModel(ModelSpec model, string baseFolder);

    /// <summary>
    /// Pre-flight: what this backend can tell about <paramref name="config"/> before anything runs, without loading,
    /// writing or starting anything: the model it names exists and is one it runs (a synthetic preset that exists and that
    /// it can write, a folder or file with a readable config of a family it runs), and what it needs from this machine is
    /// there (a server command on PATH, a native library). Findings use the pre-flight codes
    /// (<see cref="DiagnosticCodes.InputMissing"/> to <see cref="DiagnosticCodes.BackendUnavailable"/>) at the parameter
    /// they are about. It may read the model, device, precision, quantization, parallel settings and its own section; the
    /// engine asks once per distinct combination of those. The default finds nothing.
    /// </summary>
    /// <param name="baseFolder">What relative paths are relative to (the script's folder), as for <see cref="ResolveModel"/>.</param>
    void Preflight(ExperimentConfig config, string baseFolder, Findings findings) { }

    /// <summary>The devices the model runs on for this configuration: what <c>measurement.gpus</c> meters when it is unset.</summary>
    IReadOnlyList<DeviceSpec> DevicesUsed(ExperimentConfig config);

    /// <summary>Loads the model (or starts or reaches its server): an <see cref="IBatchModel"/> or an <see cref="IRequestModel"/> as <see cref="BackendCapabilities.Shape"/> says. Throws <see cref="InferenceException"/> with a one-line message and remedy.</summary>
    ILoadedModel Load(ModelLoadRequest request);

    /// <summary>A steady device load for <c>lem env --self-check</c>, or null where this backend cannot make one.</summary>
    IDeviceLoad? DeviceLoad { get; }
}
