namespace Lem.Engine.Measurement;

/// <summary>Mean idle power of one GPU, measured over <see cref="IdleDurationS"/> before the experiment.</summary>
public sealed record IdleBaselineFigure(string GpuUuid, string Component, double PowerW, DateTimeOffset MeasuredAtUtc, double IdleDurationS, bool FromCache = false);
