using System.Text;

namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas, line breaks and doubled quotes.
/// Blank lines are skipped. Errors name the file, line and column. The one CSV reader of the project: prompt files here,
/// exported results in the analysis, the engine's embedded tables (GPU peaks, CPU TDP, carbon intensity) and the time
/// series beside raw records.
/// </summary>
public static class CsvParser
{
    /// <summary>The rows of a prompt file; malformed text throws a <see cref="WorkloadException"/> for <c>prompts</c>.</summary>
    public static IEnumerable<CsvRow> Parse(string path, string text) => Parse(path, text, message => new WorkloadException(message, "prompts"));

    /// <summary>The rows of a CSV text; malformed text throws what <paramref name="error"/> makes of the one-line message.</summary>
    /// <param name="comment">Where given, a line that starts with it is a comment and skipped (the embedded tables'
    /// <c>#</c> lines, which may hold commas and quotes).</param>
    public static IEnumerable<CsvRow> Parse(string path, string text, Func<string, Exception> error, char? comment = null)
    {
        var position = 0;
        int line = 1, column = 1;
        while (position < text.Length)
        {
            if (comment is { } mark && column == 1 && text[position] == mark)
            {
                var end = text.IndexOf('\n', position);
                position = end < 0 ? text.Length : end + 1;
                line++;
                continue;
            }
            var rowLine = line;
            var fields = new List<string>();
            var fieldColumns = new List<int>();
            var field = new StringBuilder();
            var endOfRow = false;
            var endColumn = column;
            fieldColumns.Add(column);
            while (!endOfRow)
            {
                if (position >= text.Length) { fields.Add(field.ToString()); endColumn = column; break; }
                var c = text[position];
                if (c == '"' && field.Length == 0)
                {
                    // quoted field
                    int quoteLine = line, quoteColumn = column;
                    position++; column++;
                    var closed = false;
                    while (position < text.Length)
                    {
                        c = text[position];
                        if (c == '"')
                        {
                            if (position + 1 < text.Length && text[position + 1] == '"') { field.Append('"'); position += 2; column += 2; continue; }
                            position++; column++;
                            closed = true;
                            break;
                        }
                        field.Append(c);
                        position++;
                        if (c == '\n') { line++; column = 1; } else column++;
                    }
                    if (!closed)
                        throw error(
                            $"{path}:{quoteLine}:{quoteColumn}: this quoted field is never closed. Add the closing double quote, and write quotes inside a field as \"\".");
                    if (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                        throw error(
                            $"{path}:{line}:{column}: text after the closing quote of a field. Write quotes inside a quoted field as \"\".");
                    continue;
                }
                switch (c)
                {
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        position++; column++;
                        fieldColumns.Add(column);
                        break;
                    case '\r' or '\n':
                        fields.Add(field.ToString());
                        endColumn = column;
                        if (c == '\r' && position + 1 < text.Length && text[position + 1] == '\n') position++;
                        position++;
                        line++;
                        column = 1;
                        endOfRow = true;
                        break;
                    case '"':
                        throw error(
                            $"{path}:{line}:{column}: a double quote inside an unquoted field. Enclose the whole field in double quotes and write the quote as \"\".");
                    default:
                        field.Append(c);
                        position++; column++;
                        break;
                }
            }
            if (fields.Count == 1 && fields[0].Length == 0 && fieldColumns.Count == 1) continue; // blank line
            yield return new CsvRow(rowLine, fields, fieldColumns, endColumn);
        }
    }
}
