using System.Globalization;
using Lem.Engine.Config;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Meters.Carbon;

/// <summary>The built-in carbon intensity table (embedded carbon-intensity.csv).</summary>
public static class CarbonIntensityTable
{
    public sealed record Row(string Code, string Iso3, string Name, double GramsPerKwh);

    private static readonly Lazy<(IReadOnlyList<Row> Rows, string Header)> Data = new(Load);

    public static IReadOnlyList<Row> Rows => Data.Value.Rows;

    /// <summary>The comment lines at the top of the data file (source and year).</summary>
    public static string SourceHeader => Data.Value.Header;

    public const string SourceShort = "Our World in Data / Ember, 2021 yearly average (life-cycle)";

    /// <summary>
    /// The row for a region: a code of the table (a country's alpha-2 code, or a subdivision code such as <c>US-CA</c>
    /// where the table has one), an alpha-3 code or a name, any case; null otherwise. A subdivision the table does not
    /// hold is not resolved to its country's average: that would silently report another grid.
    /// </summary>
    public static Row? Find(string region, IReadOnlyList<Row>? rows = null)
    {
        var r = region.Trim();
        return (rows ?? Rows).FirstOrDefault(x => x.Code.Equals(r, StringComparison.OrdinalIgnoreCase)
            || x.Iso3.Equals(r, StringComparison.OrdinalIgnoreCase)
            || x.Name.Equals(r, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True for a subdivision or zone code (<c>US-CA</c>, <c>US-CAL-CISO</c>): a country code, a hyphen, more.</summary>
    public static bool IsSubdivision(string region) => region.Trim() is var r && r.IndexOf('-') is > 0 and var i && i < r.Length - 1;

    /// <summary>
    /// Rows close to a region the table lacks, for messages: a subdivision's country (named as another grid by the
    /// caller), then the codes, alpha-3 codes and names closest in spelling; at most <paramref name="count"/>.
    /// </summary>
    public static IReadOnlyList<Row> Close(string region, int count = 5)
    {
        var r = region.Trim();
        var close = new List<Row>();
        if (IsSubdivision(r) && Find(r[..r.IndexOf('-')]) is { } country) close.Add(country);
        var byName = Rows.SelectMany(x => new[] { (Key: x.Code, Row: x), (Key: x.Iso3, Row: x), (Key: x.Name, Row: x) }).ToList();
        foreach (var key in NameSuggester.Ranked(r, byName.Select(x => x.Key), count))
            close.Add(byName.First(x => x.Key == key).Row);
        return close.Distinct().Take(count).ToList();
    }

    /// <summary>The table's region codes, for messages: <c>US, CA, MX, ...</c>.</summary>
    public static string KnownRegions => string.Join(", ", Rows.Select(x => x.Code));

    /// <summary>Parses the table (CSV, <see cref="CsvParser"/>): '#' comment lines (the source, kept as the header text),
    /// a header, then <c>code,iso3,name,g_per_kwh</c> rows.</summary>
    public static (IReadOnlyList<Row> Rows, string Header) Parse(string csv)
    {
        var header = csv.Split('\n').Where(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim()).ToList();
        var rows = new List<Row>();
        var seenColumns = false;
        foreach (var row in CsvParser.Parse("carbon-intensity.csv", csv, message => new FormatException(message), comment: '#'))
        {
            if (!seenColumns) { seenColumns = true; continue; }
            var p = row.Fields.Select(f => f.Trim()).ToArray();
            if (p.Length != 4 || !double.TryParse(p[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var g))
                throw new FormatException($"carbon-intensity.csv:{row.Line}: expected 'code,iso3,name,g_per_kwh' (quote a name that holds a comma), read '{string.Join(",", p)}'.");
            rows.Add(new Row(p[0], p[1], p[2], g));
        }
        return (rows, string.Join(" ", header));
    }

    private static (IReadOnlyList<Row>, string) Load()
    {
        using var stream = typeof(CarbonIntensityTable).Assembly.GetManifestResourceStream("Lem.Engine.Meters.Carbon.carbon-intensity.csv")
            ?? throw new InvalidOperationException("Embedded resource carbon-intensity.csv is missing from Lem.Engine.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
