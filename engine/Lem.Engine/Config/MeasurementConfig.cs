namespace Lem.Engine.Config;

/// <summary>The <c>measurement.*</c> section.</summary>
public sealed record MeasurementConfig(TimeSpan SampleInterval, bool TimeSeries);
