namespace Lem.Engine.Meters.Carbon;

/// <summary>A grid carbon intensity with its origin, in words a reader can check (never containing an API key).</summary>
public sealed record CarbonIntensity(double? GramsPerKwh, CarbonIntensitySource Source, string Detail)
{
    public static CarbonIntensity Unavailable(string why) => new(null, CarbonIntensitySource.Unavailable, why);
}
