using System.Text;

namespace Lem.Engine.Results.Views;

/// <summary>Left-aligned text columns separated by two spaces; numbers are right-aligned when asked.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> rows = [];
    private readonly HashSet<int> rightAligned = [];

    public TextTable AlignRight(params int[] columns)
    {
        foreach (var c in columns) rightAligned.Add(c);
        return this;
    }

    public void Add(params string[] cells) => rows.Add(cells);

    public int Count => rows.Count;

    public string Render(string indent = "")
    {
        var all = headers.Length > 0 ? rows.Prepend(headers).ToList() : rows;
        var widths = Enumerable.Range(0, all.Max(r => r.Length))
            .Select(i => all.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
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
