using System.Globalization;
using System.Text;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Results.Export;

/// <summary>
/// CSV with one row per run (columns: <see cref="ExportTable"/>, docs/results.md): invariant culture, numbers in
/// shortest round-trip form, <c>NA</c> for missing values, fields quoted (RFC 4180) when they hold a comma, quote or
/// line break, lines ended by <c>\n</c>.
/// </summary>
public static class CsvExporter
{
    public const string Missing = "NA";

    public static string Format(IEnumerable<AggregatedRecord> records) => Format(ExportTable.From(records));

    public static string Format(ExportTable table)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', table.Columns.Select(c => Quote(c.Name))).Append('\n');
        foreach (var row in table.Rows)
            text.AppendJoin(',', row.Select(Cell)).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes the file atomically (replacing an earlier export), so a reader never sees half a table.</summary>
    public static void Write(string path, IEnumerable<AggregatedRecord> records) => AtomicFile.Replace(path, Format(records));

    private static string Cell(object? value) => value switch
    {
        null => Missing,
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : Missing,
        string s => Quote(s),
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? Missing),
    };

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
}
