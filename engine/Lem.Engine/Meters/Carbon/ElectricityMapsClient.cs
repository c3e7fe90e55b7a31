using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Lem.Engine.Meters.Carbon;

/// <summary>
/// Latest carbon intensity of a zone from the Electricity Maps API (<c>GET carbon-intensity/latest?zone=XX</c>, header
/// <c>auth-token</c>). The token is sent only in the header and is scrubbed from every error message.
/// </summary>
public sealed class ElectricityMapsClient(HttpClient http, string baseUrl)
{
    public async Task<(double GramsPerKwh, string Datetime)> LatestAsync(string zone, string token, CancellationToken cancel = default)
    {
        var url = baseUrl.TrimEnd('/') + "/carbon-intensity/latest?zone=" + Uri.EscapeDataString(zone);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("auth-token", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, cancel).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new CarbonApiException(Scrub($"Electricity Maps answered {(int)response.StatusCode} {response.ReasonPhrase} for zone '{zone}'"
                    + (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden ? ": check the token." : "."), token));
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("carbonIntensity", out var value) || value.ValueKind != JsonValueKind.Number)
                throw new CarbonApiException($"Electricity Maps answer for zone '{zone}' has no numeric carbonIntensity.");
            var when = json.RootElement.TryGetProperty("datetime", out var d) ? d.GetString() ?? "" : "";
            return (value.GetDouble(), when);
        }
        catch (HttpRequestException e)
        {
            throw new CarbonApiException(Scrub($"Electricity Maps request failed: {e.Message}", token));
        }
        catch (JsonException)
        {
            throw new CarbonApiException($"Electricity Maps answer for zone '{zone}' is not JSON.");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new CarbonApiException($"Electricity Maps request for zone '{zone}' timed out.");
        }
    }

    internal static string Scrub(string text, string token) =>
        string.IsNullOrEmpty(token) ? text : text.Replace(token, "***", StringComparison.Ordinal);

    internal static string Describe(double g, string zone, string when) =>
        string.Create(CultureInfo.InvariantCulture, $"Electricity Maps live value for zone {zone} at {when}: {g:F0} g/kWh");
}
