namespace Lem.Engine.Meters;

/// <summary>What one meter saw in one measurement window.</summary>
/// <param name="Energy">One figure per component (GPU per device, CPU package, RAM...).</param>
/// <param name="Metrics">Other named figures with the unit in the name (<c>gpu0_max_temperature_c</c>, <c>gpu0_avg_power_w</c>).</param>
/// <param name="Warnings">Typed warnings, each with cause and remedy (throttling seen, low-confidence window), as text.</param>
/// <param name="TimeSeries">Sampled series (power, memory, utilisation...) when enabled; may be empty.</param>
/// <param name="WarningDetails">The same warnings as <see cref="Warnings"/>, as typed records (code, cause, remedy).</param>
public sealed record MeterWindowResult(
    string MeterName,
    IReadOnlyList<EnergyFigure> Energy,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<TimeSeriesPoint> TimeSeries,
    IReadOnlyList<MeterWarning>? WarningDetails = null)
{
    /// <summary>Builds a result whose <see cref="Warnings"/> text is derived from the typed warnings.</summary>
    public static MeterWindowResult Create(
        string meterName,
        IReadOnlyList<EnergyFigure> energy,
        IReadOnlyDictionary<string, double> metrics,
        IReadOnlyList<MeterWarning> warnings,
        IReadOnlyList<TimeSeriesPoint>? timeSeries = null) =>
        new(meterName, energy, metrics, warnings.Select(w => w.ToString()).ToArray(), timeSeries ?? [], warnings);
}

/// <summary>One sample of a time series: seconds since the window began, series name (with unit), value.</summary>
public sealed record TimeSeriesPoint(double TimeS, string Series, double Value);
