namespace Lem.Engine.Config;

/// <summary>The <c>measurement.*</c> section. <paramref name="Gpus"/>: the GPUs to meter as set; null when unset (the backend's devices).</summary>
public sealed record MeasurementConfig(TimeSpan SampleInterval, bool TimeSeries, IReadOnlyList<DeviceSpec>? Gpus = null);
