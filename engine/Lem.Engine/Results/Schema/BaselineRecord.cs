namespace Lem.Engine.Results.Schema;

/// <summary>
/// Idle baseline: mean idle power of <see cref="Components"/> measured before the experiment, and the window energy
/// of those components with idle power removed over the measurement window only:
/// adjusted = raw − power × window duration.
/// </summary>
/// <param name="MeasuredDurationS">Length of the idle measurement that gave <see cref="PowerW"/>.</param>
/// <param name="Cached">True when the baseline came from the cache (within its TTL) rather than measured for this run.</param>
public sealed record BaselineRecord(
    double? PowerW,
    double? MeasuredDurationS,
    double? AdjustedEnergyJ,
    IReadOnlyList<string> Components,
    bool Cached = false,
    string? Note = null)
{
    /// <summary>Adjusted energy from the raw energy of the baseline's components; null raw energy stays null.</summary>
    public static BaselineRecord Create(double powerW, double measuredDurationS, double? rawEnergyJ, double windowDurationS, IReadOnlyList<string> components, bool cached = false, string? note = null) =>
        new(powerW, measuredDurationS, Measurement.IdleBaseline.AdjustedEnergyJ(rawEnergyJ, powerW, windowDurationS), components, cached, note);
}
