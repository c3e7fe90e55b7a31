using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Results.Export;

/// <summary>JSON export: an array of aggregated records in the result schema (snake_case, nulls written out).</summary>
public static class JsonExporter
{
    public static string Format(IEnumerable<AggregatedRecord> records) => ResultJson.Serialize(records.ToList());

    public static void Write(string path, IEnumerable<AggregatedRecord> records) => AtomicFile.Replace(path, Format(records));

    public static IReadOnlyList<AggregatedRecord> Parse(string json, string file) =>
        ResultJson.Deserialize<List<AggregatedRecord>>(json, file);
}
