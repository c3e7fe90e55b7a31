using System.Globalization;
using System.Text;
using Lem.Engine.Meters;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Results.Store;

/// <summary>Time series beside a raw record: CSV with header <c>t_s,series,value</c>, t_s in seconds since the window began.</summary>
public static class TimeSeriesCsv
{
    public const string Header = "t_s,series,value";

    public static string Format(IEnumerable<TimeSeriesPoint> points)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var p in points)
        {
            if (p.Series.Contains(',') || p.Series.Contains('"') || p.Series.Contains('\n'))
                throw new ArgumentException($"time series name '{p.Series}' may not contain a comma, quote or newline", nameof(points));
            text.Append(p.TimeS.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(p.Series).Append(',')
                .Append(p.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads a time series file (CSV, <see cref="CsvParser"/>); errors name the file and line.</summary>
    public static IReadOnlyList<TimeSeriesPoint> Parse(string text, string file)
    {
        var points = new List<TimeSeriesPoint>();
        var header = true;
        foreach (var row in CsvParser.Parse(file, text, message => new ResultsException(message)))
        {
            var cells = row.Fields;
            if (header)
            {
                if (string.Join(",", cells) != Header)
                    throw new ResultsException($"{file}: not a time series file (expected the header '{Header}').");
                header = false;
                continue;
            }
            if (cells.Count != 3
                || !double.TryParse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var t)
                || !double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw new ResultsException($"{file}:{row.Line}: expected t_s,series,value with numbers in t_s and value.");
            points.Add(new TimeSeriesPoint(t, cells[1], v));
        }
        if (header) throw new ResultsException($"{file}: not a time series file (expected the header '{Header}').");
        return points;
    }
}
