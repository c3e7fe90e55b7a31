namespace Lem.Engine.Results.Export;

public enum ExportFormat
{
    Csv,
    Json,
    Parquet,
}
