namespace Lem.Engine.Meters.Host;

/// <summary>The marks of one batch (or request): start, first token on the host, end — seconds on the workload's clock.</summary>
public readonly record struct PhaseMarks(double StartS, double FirstTokenS, double EndS);
