using Lem.Engine.Meters.Carbon;

namespace Lem.Engine.Tests.Meters.Carbon;

public class CarbonTests
{
    private const string Token = "secret-token-1234";

    private static Func<string, string?> Env(string? token) => name => name == CarbonSettings.DefaultTokenVariable ? token : null;

    [Fact]
    public void Co2_is_kwh_times_pue_times_intensity()
    {
        var intensity = new CarbonIntensity(400, CarbonIntensitySource.Configured, "configured");
        var e = CarbonEstimate.Compute(3.6e6, 1.2, intensity);
        Assert.Equal(1.0, e.EnergyKwh);
        Assert.Equal(480.0, e.Co2G!.Value, 9);
        Assert.Null(CarbonEstimate.Compute(null, 1.2, intensity).Co2G);
        Assert.Null(CarbonEstimate.Compute(1000, 1.0, CarbonIntensity.Unavailable("none")).Co2G);
        Assert.Throws<ArgumentOutOfRangeException>(() => CarbonEstimate.Compute(1, 0.9, intensity));
    }

    [Theory]
    [InlineData("DE", 365)]
    [InlineData("deu", 365)]
    [InlineData("France", 67)]
    [InlineData("no", 28)]
    public void Table_lookup_by_code_or_name(string region, double g) => Assert.Equal(g, CarbonIntensityTable.Find(region)!.GramsPerKwh);

    [Theory]
    [InlineData("US-CA")]
    [InlineData("US-CAL-CISO")]
    [InlineData("de-by")]
    public async Task A_subdivision_the_table_lacks_is_refused_with_the_known_regions_not_given_the_country_average(string region)
    {
        Assert.True(CarbonIntensityTable.IsSubdivision(region));
        Assert.Null(CarbonIntensityTable.Find(region));
        var i = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(Region: region), Env(null));
        Assert.Equal(CarbonIntensitySource.Unavailable, i.Source);
        Assert.Null(i.GramsPerKwh);
        Assert.Contains("Known regions: US, CA, MX", i.Detail);
        Assert.Contains("not replaced by the average", i.Detail);
        Assert.Contains("carbon.intensity_g_per_kwh", i.Detail);
    }

    [Fact]
    public void A_subdivision_row_in_the_table_resolves_to_itself()
    {
        var (rows, _) = CarbonIntensityTable.Parse("# test\ncode,iso3,name,g_per_kwh\nUS,USA,United States,379\nUS-CA,USA-CA,California,200\n");
        Assert.Equal(200, CarbonIntensityTable.Find("us-ca", rows)!.GramsPerKwh);
        Assert.Equal(379, CarbonIntensityTable.Find("US", rows)!.GramsPerKwh);
        Assert.Null(CarbonIntensityTable.Find("US-TX", rows));
    }

    [Fact]
    public void Table_names_its_source_and_year_and_has_about_forty_rows()
    {
        Assert.Contains("2021", CarbonIntensityTable.SourceHeader);
        Assert.Contains("Ember", CarbonIntensityTable.SourceHeader);
        Assert.InRange(CarbonIntensityTable.Rows.Count, 35, 50);
        Assert.Null(CarbonIntensityTable.Find("XX"));
        Assert.Equal(CarbonIntensityTable.Rows.Count, CarbonIntensityTable.Rows.Select(r => r.Code).Distinct().Count());
    }

    [Fact]
    public async Task Configured_value_wins()
    {
        var i = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(IntensityGPerKwh: 123, Region: "DE"), Env(Token));
        Assert.Equal(CarbonIntensitySource.Configured, i.Source);
        Assert.Equal(123, i.GramsPerKwh);
    }

    [Fact]
    public async Task Without_token_the_table_is_used()
    {
        var i = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(Region: "FR"), Env(null));
        Assert.Equal(CarbonIntensitySource.Table, i.Source);
        Assert.Equal(67, i.GramsPerKwh);
        Assert.Contains("2021", i.Detail);
    }

    [Fact]
    public async Task Unknown_region_or_no_region_is_unavailable_with_remedy()
    {
        var unknown = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(Region: "Atlantis"), Env(null));
        Assert.Equal(CarbonIntensitySource.Unavailable, unknown.Source);
        Assert.Null(unknown.GramsPerKwh);
        Assert.Contains("carbon.intensity_g_per_kwh", unknown.Detail);
        var none = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(), Env(null));
        Assert.Equal(CarbonIntensitySource.Unavailable, none.Source);
    }

    [Fact]
    public async Task Live_api_is_queried_with_the_token_in_a_header_only()
    {
        using var stub = new LocalHttpStub("200 OK", """{"zone":"DE","carbonIntensity":302,"datetime":"2026-11-25T21:00:00.000Z"}""");
        using var http = new HttpClient();
        var i = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(Region: "DE", ApiBaseUrl: stub.BaseUrl), Env(Token), http);
        Assert.Equal(CarbonIntensitySource.LiveApi, i.Source);
        Assert.Equal(302, i.GramsPerKwh);
        Assert.DoesNotContain(Token, i.Detail);
        var request = Assert.Single(stub.Requests);
        Assert.StartsWith("GET /v3/carbon-intensity/latest?zone=DE ", request);
        Assert.Contains("auth-token: " + Token, request, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Failing_api_falls_back_to_the_table_without_leaking_the_token()
    {
        using var stub = new LocalHttpStub("401 bad-token-" + Token, """{"error":"unauthorized"}""");
        using var http = new HttpClient();
        var i = await CarbonIntensityResolver.ResolveAsync(new CarbonSettings(Region: "DE", ApiBaseUrl: stub.BaseUrl), Env(Token), http);
        Assert.Equal(CarbonIntensitySource.Table, i.Source);
        Assert.Equal(365, i.GramsPerKwh);
        Assert.Contains("401", i.Detail);
        Assert.DoesNotContain(Token, i.Detail);
    }

    [Fact]
    public async Task Client_errors_never_contain_the_token()
    {
        using var stub = new LocalHttpStub("500 oops " + Token, "not json");
        using var http = new HttpClient();
        var client = new ElectricityMapsClient(http, stub.BaseUrl);
        var e = await Assert.ThrowsAsync<CarbonApiException>(() => client.LatestAsync("DE", Token));
        Assert.DoesNotContain(Token, e.Message);
        Assert.Contains("500", e.Message);

        using var bad = new LocalHttpStub("200 OK", "not json");
        var e2 = await Assert.ThrowsAsync<CarbonApiException>(() => new ElectricityMapsClient(http, bad.BaseUrl).LatestAsync("DE", Token));
        Assert.Contains("not JSON", e2.Message);
    }
}
