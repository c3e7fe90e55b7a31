namespace Lem.Engine.Meters.Carbon;

/// <summary>Carbon settings.</summary>
/// <param name="IntensityGPerKwh">Configured grid intensity (carbon.intensity_g_per_kwh); wins over everything else.</param>
/// <param name="Region">Country code (ISO 3166 alpha-2 or alpha-3, e.g. <c>DE</c>, <c>FRA</c>), or an Electricity Maps zone for the live API.</param>
/// <param name="Pue">Power usage effectiveness of the data centre (1.0 counts IT energy only).</param>
/// <param name="ApiTokenVariable">Environment variable holding an Electricity Maps token; the live API is used only when it is set.</param>
/// <param name="ApiBaseUrl">Base URL of the live API (tests point it at a local stub).</param>
public sealed record CarbonSettings(
    double? IntensityGPerKwh = null,
    string? Region = null,
    double Pue = 1.0,
    string ApiTokenVariable = CarbonSettings.DefaultTokenVariable,
    string ApiBaseUrl = CarbonSettings.DefaultApiBaseUrl)
{
    public const string DefaultTokenVariable = "LEM_ELECTRICITYMAPS_TOKEN";
    public const string DefaultApiBaseUrl = "https://api.electricitymap.org/v3/";
}
