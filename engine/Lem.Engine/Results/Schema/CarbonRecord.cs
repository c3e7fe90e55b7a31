namespace Lem.Engine.Results.Schema;

/// <summary>CO2 = energy (kWh) × PUE × grid carbon intensity (g/kWh).</summary>
/// <param name="Source">Where the intensity came from: <c>configured</c>, <c>table:REGION (source, year)</c>, <c>api:NAME</c>.</param>
public sealed record CarbonRecord(double? Co2G, double? IntensityGPerKwh, double? Pue, string Source, string? Note = null);
