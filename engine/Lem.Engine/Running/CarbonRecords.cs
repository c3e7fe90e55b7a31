using Lem.Engine.Meters.Carbon;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Running;

/// <summary>A carbon estimate in the record's shape; the source says where the grid intensity came from.</summary>
internal static class CarbonRecords
{
    public static CarbonRecord From(CarbonEstimate estimate, CarbonIntensity intensity) =>
        new(estimate.Co2G, intensity.GramsPerKwh, estimate.Pue, intensity.Source.ToString(), intensity.Detail);
}
