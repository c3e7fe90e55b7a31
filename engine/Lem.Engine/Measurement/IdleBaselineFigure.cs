namespace Lem.Engine.Measurement;

/// <summary>
/// Mean idle power of one GPU, or of one host component of the machine, measured over <see cref="IdleDurationS"/>
/// before the experiment. <see cref="GpuUuid"/> is the cache key: the GPU's UUID, or
/// <c>host-MACHINE-COMPONENT</c> for a host component (<see cref="IdleBaseline.HostKey"/>).
/// </summary>
public sealed record IdleBaselineFigure(string GpuUuid, string Component, double PowerW, DateTimeOffset MeasuredAtUtc, double IdleDurationS, bool FromCache = false);
