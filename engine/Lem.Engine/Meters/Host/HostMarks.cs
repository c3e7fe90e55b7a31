using System.Globalization;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// Readings host meters take at workload marks (<see cref="IMeter.Mark"/>: a batch's start, first token and end) and
/// return as time series: the cumulative system energy of each component at each mark time (seconds on the
/// workload's clock, as the batch records), named <c>marks:COMPONENT</c>, and the meter's resolution in time as the
/// metric <c>METER_marks_resolution_ms</c> (0: exact in time, as for a constant-power model).
/// </summary>
public static class HostMarks
{
    public const string SeriesPrefix = "marks:";

    public static string Series(string component) => SeriesPrefix + component;

    public static string ResolutionMetric(string meterName) => meterName.Replace('-', '_') + "_marks_resolution_ms";

    /// <summary>The component of a marks series name; null when the series is not one.</summary>
    public static string? ComponentOf(string series) =>
        series.StartsWith(SeriesPrefix, StringComparison.Ordinal) ? series[SeriesPrefix.Length..] : null;

    /// <summary>Cumulative energy series per component in one meter's result, in time order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(double TimeS, double EnergyJ)>> Of(MeterWindowResult result) =>
        result.TimeSeries
            .Select(p => (Component: ComponentOf(p.Series), Point: p))
            .Where(x => x.Component is not null)
            .GroupBy(x => x.Component!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(double, double)>)g.Select(x => (x.Point.TimeS, x.Point.Value)).OrderBy(p => p.Item1).ToArray());

    /// <summary>Builds the series points of one component from mark times and cumulative energies.</summary>
    public static IEnumerable<TimeSeriesPoint> Points(string component, IReadOnlyList<double> timesS, IReadOnlyList<double> cumulativeJ)
    {
        var name = Series(component);
        for (var i = 0; i < timesS.Count; i++) yield return new TimeSeriesPoint(timesS[i], name, cumulativeJ[i]);
    }

    internal static string Ms(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture);
}
