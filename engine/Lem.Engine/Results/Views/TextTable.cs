using System.Text;

namespace Lem.Engine.Results.Views;

/// <summary>
/// Left-aligned text columns separated by two spaces; numbers are right-aligned when asked; optionally a rule of dashes
/// under the header. The one text table of the project: result views here, `analyze ... table` in the analysis.
/// </summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> rows = [];
    private readonly HashSet<int> rightAligned = [];
    private bool ruled;

    public TextTable AlignRight(params int[] columns)
    {
        foreach (var c in columns) rightAligned.Add(c);
        return this;
    }

    /// <summary>Draws a line of dashes, as wide as each column, under the header.</summary>
    public TextTable RuleUnderHeader()
    {
        ruled = true;
        return this;
    }

    public void Add(params string[] cells) => rows.Add(cells);

    public int Count => rows.Count;

    public string Render(string indent = "")
    {
        var all = headers.Length > 0 ? rows.Prepend(headers).ToList() : rows;
        var widths = Enumerable.Range(0, all.Max(r => r.Length))
            .Select(i => all.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        if (ruled && headers.Length > 0)
            all.Insert(1, headers.Select((_, i) => new string('-', widths[i])).ToArray());
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder(indent);
            for (var i = 0; i < row.Length; i++)
            {
                var cell = row[i];
                var last = i == row.Length - 1;
                if (rightAligned.Contains(i)) line.Append(cell.PadLeft(widths[i]));
                else line.Append(last ? cell : cell.PadRight(widths[i]));
                if (!last) line.Append("  ");
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
