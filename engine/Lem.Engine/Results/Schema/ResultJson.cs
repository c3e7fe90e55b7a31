using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Lem.Engine.Results.Schema;

/// <summary>JSON settings of every results file: snake_case names, enums in kebab-case, nulls written out.</summary>
public static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// Reads a record (or a list of them), checking each one's schema version first and upgrading an older one to the
    /// current shape (<see cref="SchemaVersions"/>); errors name the file and the remedy.
    /// </summary>
    public static T Deserialize<T>(string json, string file) where T : class
    {
        try
        {
            var root = JsonNode.Parse(json)
                ?? throw new ResultsException($"{file}: empty result record. Remove the file or restore it from a backup.");
            var objects = root is JsonArray array ? array.ToList() : [root];
            foreach (var element in objects)
            {
                if (element is not JsonObject record)
                    throw new ResultsException($"{file}: not a result record (expected a JSON object). Remove the file or restore it from a backup.");
                SchemaVersions.CheckAndUpgrade(record, file);
            }
            return root.Deserialize<T>(Options)
                ?? throw new ResultsException($"{file}: empty result record. Remove the file or restore it from a backup.");
        }
        catch (JsonException e)
        {
            throw new ResultsException($"{file}: unreadable result record ({e.Message}). Remove the run folder or restore the file from a backup.", e);
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            // Files are not embedded in HTML: keep quotes and non-ASCII text readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
