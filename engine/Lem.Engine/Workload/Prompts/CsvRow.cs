namespace Lem.Engine.Workload.Prompts;

/// <summary>A parsed CSV row: its fields, the 1-based line where it starts, each field's start column, and the column after its last character.</summary>
public sealed record CsvRow(int Line, IReadOnlyList<string> Fields, IReadOnlyList<int> FieldColumns, int EndColumn);
