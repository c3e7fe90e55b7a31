using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Export;

/// <summary>One entry point for <c>lem results export</c> and <c>analyze ... export</c>.</summary>
public static class ResultExport
{
    /// <summary><c>csv</c>, <c>json</c> or <c>parquet</c> (any case).</summary>
    public static ExportFormat ParseFormat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "json" => ExportFormat.Json,
        "parquet" => ExportFormat.Parquet,
        _ => throw new ResultsException($"unknown export format '{text}'. Use csv, json or parquet."),
    };

    /// <summary>The format a file name implies (<c>.csv</c>, <c>.json</c>, <c>.parquet</c>), or null.</summary>
    public static ExportFormat? FormatOfPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => ExportFormat.Csv,
        ".json" => ExportFormat.Json,
        ".parquet" => ExportFormat.Parquet,
        _ => null,
    };

    public static void Write(ExportFormat format, string path, IEnumerable<AggregatedRecord> records)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new ResultsException($"cannot write {path}: folder {folder} does not exist. Create it or choose another path.");
        // what an export interrupted by a kill left beside its target goes first
        if (folder is not null) TemporaryFiles.Sweep(folder);
        switch (format)
        {
            case ExportFormat.Csv: CsvExporter.Write(path, records); break;
            case ExportFormat.Json: JsonExporter.Write(path, records); break;
            case ExportFormat.Parquet: ParquetExporter.Write(path, records); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }
}
