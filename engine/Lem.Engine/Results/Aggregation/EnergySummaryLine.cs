using System.Globalization;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// The energy lines of a run's summary (what <c>lem run</c> prints after each run): J per output token with its
/// attribution (the process's share of host energy, or the whole machine's) and its composition (measured, estimated,
/// and whether an estimate dominates), then the whole machine's figure beside it.
/// </summary>
public static class EnergySummaryLine
{
    public static IReadOnlyList<string> For(RunFigures record)
    {
        string F(string metric) => record.Metrics.TryGetValue(metric, out var v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "NA";
        var lines = new List<string>();
        var composition = EnergyComposition.Of(record.Energy);
        var attribution = record.Host?.Attribution switch
        {
            HostAttributionKind.Process => $"host energy attributed to {record.Host.ProcessSet} (its CPU-time and resident-memory share)",
            HostAttributionKind.System => "host energy of the whole machine (no process share could be read)",
            _ => "host energy as metered",
        };
        lines.Add($"energy per output token: {F(MetricNames.EnergyPerOutputTokenJ)} J [{attribution}; {composition.Describe()}]");
        if (record.Host is { Attribution: HostAttributionKind.Process })
            lines.Add($"energy per output token, host as the whole machine: {F(MetricNames.EnergyPerOutputTokenSystemJ)} J (other processes' CPU share {Percent(record.Host.OtherCpuShare)})");
        if (record.Metrics.ContainsKey(MetricNames.EnergyGpuPerOutputTokenJ))
            lines.Add($"GPU energy per output token: {F(MetricNames.EnergyGpuPerOutputTokenJ)} J");
        return lines;
    }

    private static string Percent(double? share) => share is { } s ? (s * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "unknown";
}
