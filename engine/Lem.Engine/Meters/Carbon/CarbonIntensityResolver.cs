using System.Globalization;

namespace Lem.Engine.Meters.Carbon;

/// <summary>
/// Chooses the grid carbon intensity: a configured value first; then the live API when the user has set a token
/// (asking for live data is an explicit choice); then the built-in table by region; otherwise unavailable.
/// A failing API falls back to the table and says so.
/// </summary>
public static class CarbonIntensityResolver
{
    public static async Task<CarbonIntensity> ResolveAsync(CarbonSettings settings, Func<string, string?> environment, HttpClient? http = null, CancellationToken cancel = default)
    {
        if (settings.IntensityGPerKwh is { } configured)
            return new CarbonIntensity(configured, CarbonIntensitySource.Configured,
                string.Create(CultureInfo.InvariantCulture, $"configured carbon.intensity_g_per_kwh = {configured}"));

        string? apiProblem = null;
        var token = environment(settings.ApiTokenVariable);
        if (!string.IsNullOrWhiteSpace(token))
        {
            if (string.IsNullOrWhiteSpace(settings.Region))
                apiProblem = $"{settings.ApiTokenVariable} is set but no carbon.region (zone) is configured";
            else
            {
                var ownClient = http is null;
                var client = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                try
                {
                    var (g, when) = await new ElectricityMapsClient(client, settings.ApiBaseUrl).LatestAsync(settings.Region, token, cancel).ConfigureAwait(false);
                    return new CarbonIntensity(g, CarbonIntensitySource.LiveApi, ElectricityMapsClient.Describe(g, settings.Region, when));
                }
                catch (CarbonApiException e)
                {
                    apiProblem = ElectricityMapsClient.Scrub(e.Message, token);
                }
                finally
                {
                    if (ownClient) client.Dispose();
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(settings.Region))
        {
            if (CarbonIntensityTable.Find(settings.Region) is { } row)
                return new CarbonIntensity(row.GramsPerKwh, CarbonIntensitySource.Table,
                    string.Create(CultureInfo.InvariantCulture, $"built-in table: {row.Name} {row.GramsPerKwh:F0} g/kWh ({CarbonIntensityTable.SourceShort})")
                    + (apiProblem is null ? "" : $"; live API not used: {apiProblem}"));
            var subdivision = CarbonIntensityTable.IsSubdivision(settings.Region);
            return CarbonIntensity.Unavailable($"region '{settings.Region}' is not in the built-in table"
                + (subdivision ? $" (a subdivision the table does not hold; it is not replaced by the average of '{settings.Region.Trim()[..settings.Region.Trim().IndexOf('-')]}', which is another grid)" : "")
                + (apiProblem is null ? "" : $" and the live API failed ({apiProblem})")
                + $". Known regions: {CarbonIntensityTable.KnownRegions}. Remedy: set carbon.intensity_g_per_kwh for your grid, or carbon.region to one of the known regions"
                + (subdivision ? $", or set {settings.ApiTokenVariable} to use the live API for the zone." : "."));
        }
        return CarbonIntensity.Unavailable("no carbon intensity configured and no carbon.region given"
            + (apiProblem is null ? "" : $" ({apiProblem})") + ". Remedy: set carbon.region (e.g. DE) or carbon.intensity_g_per_kwh.");
    }
}
