using System.Text.Json;

namespace Lem.Engine.Workload.Prompts;

/// <summary>One record of a prompt file: a JSON value, or the named fields of a CSV row. Valid only inside the reader's callback.</summary>
/// <param name="Line">1-based line where the record starts.</param>
internal sealed record SourceRecord(int Line, JsonElement? Json, IReadOnlyDictionary<string, string>? Fields);
