namespace Lem.Engine.Meters.Host;

/// <summary>What <see cref="HostAttribution.Apply"/> made of a window's meter results.</summary>
/// <param name="Energy">Every energy figure of the window with the host components replaced by their attributed figures
/// (the process's, or the system's where no share could be read): what the record's energy list and totals use.</param>
/// <param name="Components">Each host component's system and process figures side by side.</param>
/// <param name="ProcessSet">The processes the figures are attributed to, in words.</param>
/// <param name="Metrics">The shares and resident memory behind the attribution (<see cref="ProcessMetricNames"/>).</param>
public sealed record HostEnergy(
    HostAttributionKind Attribution,
    IReadOnlyList<EnergyFigure> Energy,
    IReadOnlyList<HostComponentFigures> Components,
    string ProcessSet,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<MeterWarning> Warnings);
