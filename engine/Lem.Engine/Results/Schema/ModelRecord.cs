using Lem.Engine.Inference;

namespace Lem.Engine.Results.Schema;

/// <summary>The model as loaded for the run.</summary>
/// <param name="LoadTimeS">Wall time of loading the weights onto the device; null when the model was already loaded for an earlier experiment.</param>
public sealed record ModelRecord(
    string Architecture,
    string ModelType,
    long ParameterCount,
    string Precision,
    string Device,
    long WeightBytes,
    double? LoadTimeS,
    string? Folder)
{
    public static ModelRecord From(ModelInfo info, double? loadTimeS) =>
        new(info.Architecture, info.ModelType, info.ParameterCount, info.Precision, info.Device, info.WeightBytes, loadTimeS, info.ModelFolder);
}
