namespace Lem.Engine.Results.Schema;

/// <summary>A canonical metric: its name (with the unit in it), the unit spelled out, and what it means.</summary>
public sealed record MetricDefinition(string Name, string Unit, string Description);
