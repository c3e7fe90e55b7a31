using System.Text;

namespace Lem.Engine.Tests.Results;

/// <summary>A strict RFC 4180 reader for the tests: quoted fields, doubled quotes, '\n' line ends.</summary>
internal static class CsvText
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = []; }
            else cell.Append(c);
        }
        if (quoted) throw new FormatException("unterminated quoted field");
        if (cell.Length > 0 || row.Count > 0) throw new FormatException("last line has no line end");
        return rows;
    }
}
