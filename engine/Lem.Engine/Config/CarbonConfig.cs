namespace Lem.Engine.Config;

/// <summary>The <c>carbon.*</c> section. An explicit intensity wins over the region's table value; <see cref="Region"/> is upper-cased.</summary>
public sealed record CarbonConfig(double? IntensityGPerKwh, string? Region, double Pue);
