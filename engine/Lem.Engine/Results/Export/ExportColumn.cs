namespace Lem.Engine.Results.Export;

public sealed record ExportColumn(string Name, ExportColumnKind Kind);
