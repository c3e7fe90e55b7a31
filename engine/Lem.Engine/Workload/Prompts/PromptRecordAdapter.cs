using System.Text.Json;

namespace Lem.Engine.Workload.Prompts;

/// <summary>Turns one record of a prompt file into prompt text, following the dataset format.</summary>
internal static class PromptRecordAdapter
{
    /// <summary>The prompt text of the record, or null when the record holds no prompt and is skipped (a ShareGPT conversation without a human turn).</summary>
    public static string? Extract(string path, SourceRecord record, PromptFileFormat format, string column) => format switch
    {
        PromptFileFormat.Alpaca => Alpaca(path, record),
        PromptFileFormat.Gsm8k => RequiredText(path, record, "question", "GSM8K records need a \"question\""),
        PromptFileFormat.ShareGpt => ShareGpt(path, record),
        PromptFileFormat.Text => RequiredText(path, record, FilePromptOptions.DefaultColumn, ""),
        _ => RequiredText(path, record, column, $"set column = \"NAME\" to the field that holds the prompt"),
    };

    private static string Alpaca(string path, SourceRecord record)
    {
        var instruction = RequiredText(path, record, "instruction", "Alpaca records need an \"instruction\" (and an optional \"input\")");
        var input = OptionalText(path, record, "input");
        return string.IsNullOrWhiteSpace(input) ? instruction : instruction + "\n\n" + input;
    }

    private static string? ShareGpt(string path, SourceRecord record)
    {
        var json = JsonObject(path, record);
        if (!json.TryGetProperty("conversations", out var conversations) || conversations.ValueKind != JsonValueKind.Array)
            throw new WorkloadException(
                $"{path}:{record.Line}: a ShareGPT record needs a \"conversations\" array of {{\"from\": ..., \"value\": ...}} turns. Check that the file is in ShareGPT format, or choose another format.", "prompts");
        foreach (var turn in conversations.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object) continue;
            if (!turn.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String) continue;
            if (from.GetString() is not ("human" or "user")) continue;
            if (!turn.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String) return null;
            var text = value.GetString();
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
        return null;
    }

    private static string RequiredText(string path, SourceRecord record, string name, string remedy)
    {
        var text = OptionalText(path, record, name);
        if (text is null)
        {
            var available = record.Fields?.Keys ?? (record.Json is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => p.Name) : []);
            var names = string.Join(", ", available.Take(12));
            throw new WorkloadException(
                $"{path}:{record.Line}: no field \"{name}\" in this record (it has: {(names.Length == 0 ? "none" : names)}). {Sentence(remedy)}", "prompts");
        }
        if (string.IsNullOrWhiteSpace(text))
            throw new WorkloadException($"{path}:{record.Line}: the prompt in \"{name}\" is empty. Remove this record or give it text.", "prompts");
        return text;
    }

    private static string? OptionalText(string path, SourceRecord record, string name)
    {
        if (record.Fields is not null) return record.Fields.TryGetValue(name, out var field) ? field : null;
        var json = JsonObject(path, record);
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new WorkloadException(
                $"{path}:{record.Line}: field \"{name}\" is a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not a string. Prompts must be text; choose the column that holds it.", "prompts");
        return value.GetString();
    }

    private static JsonElement JsonObject(string path, SourceRecord record)
    {
        if (record.Json is { ValueKind: JsonValueKind.Object } json) return json;
        if (record.Json is null)
            throw new WorkloadException($"{path}:{record.Line}: this format needs JSON records. Use a .json or .jsonl file, or format = csv.", "prompts");
        throw new WorkloadException(
            $"{path}:{record.Line}: expected a JSON object {{...}} but found a JSON {record.Json.Value.ValueKind.ToString().ToLowerInvariant()}. Every record must be an object with named fields.", "prompts");
    }

    private static string Sentence(string remedy) =>
        remedy.Length == 0 ? "" : char.ToUpperInvariant(remedy[0]) + remedy[1..] + ".";
}
