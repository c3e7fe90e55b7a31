using System.Text;

namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas, line breaks and doubled quotes.
/// Blank lines are skipped. Errors name the file, line and column.
/// </summary>
internal static class CsvParser
{
    public static IEnumerable<CsvRow> Parse(string path, string text)
    {
        var position = 0;
        int line = 1, column = 1;
        while (position < text.Length)
        {
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
                        throw new WorkloadException(
                            $"{path}:{quoteLine}:{quoteColumn}: this quoted field is never closed. Add the closing double quote, and write quotes inside a field as \"\".", "prompts");
                    if (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                        throw new WorkloadException(
                            $"{path}:{line}:{column}: text after the closing quote of a field. Write quotes inside a quoted field as \"\".", "prompts");
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
                        throw new WorkloadException(
                            $"{path}:{line}:{column}: a double quote inside an unquoted field. Enclose the whole field in double quotes and write the quote as \"\".", "prompts");
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
