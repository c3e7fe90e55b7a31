using System.Text;
using System.Text.Json;

namespace Lem.Engine.Workload.Prompts;

/// <summary>
/// Reads the records of JSON-lines, JSON-array, CSV and plain-text files, with line numbers for every message. The file
/// is read once, as strict UTF-8 (<see cref="InputText"/>): bytes that are not UTF-8 are an error at their position.
/// </summary>
internal static class PromptFileReader
{
    public enum Container { JsonLines, JsonArray, Csv, TextLines }

    /// <summary>The file's text; not UTF-8 is a <see cref="WorkloadException"/> for <c>prompts</c> naming the line, column and byte offset.</summary>
    public static string ReadText(string path)
    {
        try
        {
            return InputText.ReadFile(path);
        }
        catch (InputTextException e)
        {
            throw new WorkloadException("prompts: " + e.Message, "prompts", e);
        }
    }

    public static void Read(string path, string text, Container container, Action<SourceRecord> onRecord)
    {
        switch (container)
        {
            case Container.JsonLines: ReadJsonLines(path, text, onRecord); break;
            case Container.JsonArray: ReadJsonArray(path, text, onRecord); break;
            case Container.Csv: ReadCsv(path, text, onRecord); break;
            case Container.TextLines: ReadTextLines(text, onRecord); break;
            default: throw new ArgumentOutOfRangeException(nameof(container), container, null);
        }
    }

    /// <summary>'[' first means a JSON array, '{' first means JSON lines; null when the text starts with neither.</summary>
    public static Container? SniffJson(string text)
    {
        var first = text.AsSpan().TrimStart();
        return first.IsEmpty ? null : first[0] switch { '[' => Container.JsonArray, '{' => Container.JsonLines, _ => null };
    }

    private static IEnumerable<string> Lines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static void ReadTextLines(string content, Action<SourceRecord> onRecord)
    {
        var line = 0;
        foreach (var text in Lines(content))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            onRecord(new SourceRecord(line, null, new Dictionary<string, string> { [FilePromptOptions.DefaultColumn] = text.Trim() }));
        }
    }

    private static void ReadJsonLines(string path, string content, Action<SourceRecord> onRecord)
    {
        var line = 0;
        foreach (var text in Lines(content))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new WorkloadException(
                    $"{path}:{line}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON ({FirstSentence(e.Message)}). " +
                    "A JSON-lines file holds one complete JSON object per line; fix or remove this line.", "prompts", e);
            }
            using (document) onRecord(new SourceRecord(line, document.RootElement, null));
        }
    }

    private static void ReadJsonArray(string path, string content, Action<SourceRecord> onRecord)
    {
        var data = Encoding.UTF8.GetBytes(content).AsMemory();
        var lineStarts = LineStarts(data.Span);
        var reader = new Utf8JsonReader(data.Span, isFinalBlock: true, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw new WorkloadException(
                    $"{path}:1: expected a JSON array of records ('[' first). If the file holds one JSON object per line, use format = jsonl.", "prompts");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var line = LineOf(lineStarts, reader.TokenStartIndex);
                using var document = JsonDocument.ParseValue(ref reader);
                onRecord(new SourceRecord(line, document.RootElement, null));
            }
            if (reader.TokenType != JsonTokenType.EndArray)
                throw new WorkloadException($"{path}: the JSON array is not closed with ']'. The file may be cut short; check that it was copied completely.", "prompts");
        }
        catch (JsonException e)
        {
            throw new WorkloadException(
                $"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON ({FirstSentence(e.Message)}). Fix the file there, or check that it is a JSON array.",
                "prompts", e);
        }
    }

    private static void ReadCsv(string path, string content, Action<SourceRecord> onRecord)
    {
        string[]? header = null;
        foreach (var row in CsvParser.Parse(path, content))
        {
            if (header is null)
            {
                header = row.Fields.Select(f => f.Trim()).ToArray();
                var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                    throw new WorkloadException($"{path}:{row.Line}: the header names column '{duplicate.Key}' twice. Give every column a distinct name.", "prompts");
                continue;
            }
            if (row.Fields.Count != header.Length)
            {
                var column = row.Fields.Count > header.Length ? row.FieldColumns[header.Length] : row.EndColumn;
                throw new WorkloadException(
                    $"{path}:{row.Line}:{column}: this row has {row.Fields.Count} fields but the header has {header.Length}. " +
                    "Enclose fields that contain commas or line breaks in double quotes.", "prompts");
            }
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++) fields[header[i]] = row.Fields[i];
            onRecord(new SourceRecord(row.Line, null, fields));
        }
        if (header is null)
            throw new WorkloadException($"{path}: the CSV file is empty. It needs a header row naming the columns, then one row per prompt.", "prompts");
    }

    private static int[] LineStarts(ReadOnlySpan<byte> data)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < data.Length; i++) if (data[i] == (byte)'\n') starts.Add(i + 1);
        return starts.ToArray();
    }

    private static int LineOf(int[] lineStarts, long offset)
    {
        var index = Array.BinarySearch(lineStarts, (int)offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.');
    }
}
