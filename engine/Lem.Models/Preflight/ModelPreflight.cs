using Lem.Engine;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Models.Synthetic;

namespace Lem.Models.Preflight;

/// <summary>
/// The model checks the backends' pre-flights share (<see cref="IBackendModule.Preflight"/>): a synthetic preset that
/// exists, a path that exists, and a model file read by the backend's own reader, whose errors become findings.
/// </summary>
public static class ModelPreflight
{
    private const string Model = "model";

    /// <summary>The preset <c>model = synthetic(...)</c> names; null (after an LEM1104 finding) when it names none.</summary>
    public static SyntheticPreset? Preset(ExperimentConfig config, Findings findings)
    {
        var preset = SyntheticPresets.Find(config.Model.SyntheticPreset!);
        if (preset is null) findings.At(Model, null).Error(DiagnosticCodes.UnknownPreset, "model: " + SyntheticPresets.UnknownMessage(config.Model.SyntheticPreset!));
        return preset;
    }

    /// <summary>A finding at <c>model</c>.</summary>
    public static void Error(Findings findings, string code, string message) => findings.At(Model, null).Error(code, message);

    /// <summary>
    /// Runs <paramref name="read"/>, the backend's reader of the model's files (config.json, a GGUF header), and turns the
    /// <see cref="InferenceException"/> it throws for a file it cannot use into an LEM1102 finding. False when it threw.
    /// </summary>
    public static bool Readable(Findings findings, Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (Exception e) when (e is InferenceException or IOException or UnauthorizedAccessException or InputTextException)
        {
            Error(findings, DiagnosticCodes.InputInvalid, "model: " + e.Message);
            return false;
        }
    }

    /// <summary>Whether the path exists as a file or folder; an LEM1101 finding, naming what the backend loads, when it does not.</summary>
    public static bool Exists(Findings findings, string path, string written, string loads)
    {
        if (File.Exists(path) || Directory.Exists(path)) return true;
        Error(findings, DiagnosticCodes.InputMissing,
            $"model \"{written}\" does not exist (looked for {path}; a relative path is relative to the script's folder). Remedy: give {loads}, or synthetic(\"PRESET\").");
        return false;
    }
}
