namespace Lem.Engine.Results.Export;

/// <summary>Numbers are written as doubles (Parquet <c>double</c>, nullable), text as strings.</summary>
public enum ExportColumnKind
{
    Number,
    Text,
}
