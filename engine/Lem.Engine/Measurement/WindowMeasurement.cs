using Lem.Engine.Meters;

namespace Lem.Engine.Measurement;

/// <summary>What every meter saw in one measurement window, and the window's duration (between the meter edges).</summary>
public sealed record WindowMeasurement(string Name, double DurationS, IReadOnlyList<MeterWindowResult> Results)
{
    /// <summary>All energy figures of all meters, each with its source.</summary>
    public IReadOnlyList<EnergyFigure> Energy => Results.SelectMany(r => r.Energy).ToArray();

    /// <summary>Sum of the figures that have a value; null when none has. Mixing measured and estimated figures is the caller's explicit choice.</summary>
    public double? TotalEnergyJ(Func<EnergyFigure, bool>? include = null)
    {
        var values = Energy.Where(f => f.EnergyJ is not null && (include?.Invoke(f) ?? true)).Select(f => f.EnergyJ!.Value).ToArray();
        return values.Length == 0 ? null : values.Sum();
    }
}
