namespace Lem.Engine.Meters.Carbon;

/// <summary>Where a carbon intensity came from.</summary>
public enum CarbonIntensitySource
{
    /// <summary>The user's configured value (carbon.intensity_g_per_kwh).</summary>
    Configured,
    /// <summary>The built-in yearly table by country (carbon-intensity.csv; source and year in its header).</summary>
    Table,
    /// <summary>A live API (Electricity Maps) queried with the user's token.</summary>
    LiveApi,
    /// <summary>No intensity known: CO2 is not reported.</summary>
    Unavailable,
}
