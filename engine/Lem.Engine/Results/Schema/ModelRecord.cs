using Lem.Engine.Inference;

namespace Lem.Engine.Results.Schema;

/// <summary>The model as loaded for the run.</summary>
/// <param name="LoadTimeS">Wall time of loading the weights onto the device; null when the model was already loaded for an earlier experiment.</param>
/// <param name="LoadEnergy">Energy of the load, outside the measurement window, per component as the meters around it
/// saw it (the metered GPUs' counter delta, the host's CPU and RAM); null when this run loaded nothing (schema 4).</param>
/// <param name="LoadEnergyJ">The sum of <paramref name="LoadEnergy"/>'s figures that have a value (measured and
/// estimated alike); null when none has or the run loaded nothing (schema 4).</param>
public sealed record ModelRecord(
    string Architecture,
    string ModelType,
    long ParameterCount,
    string Precision,
    string Device,
    long WeightBytes,
    double? LoadTimeS,
    string? Folder,
    IReadOnlyList<EnergyRecord>? LoadEnergy = null,
    double? LoadEnergyJ = null)
{
    public static ModelRecord From(ModelInfo info, double? loadTimeS, IReadOnlyList<EnergyRecord>? loadEnergy = null) =>
        new(info.Architecture, info.ModelType, info.ParameterCount, info.Precision, info.Device, info.WeightBytes, loadTimeS, info.ModelFolder,
            loadEnergy, SumOf(loadEnergy));

    /// <summary>The sum of the figures that have a value; null when there are none.</summary>
    public static double? SumOf(IReadOnlyList<EnergyRecord>? energy)
    {
        var values = (energy ?? []).Where(e => e.EnergyJ is not null).Select(e => e.EnergyJ!.Value).ToList();
        return values.Count > 0 ? values.Sum() : null;
    }
}
