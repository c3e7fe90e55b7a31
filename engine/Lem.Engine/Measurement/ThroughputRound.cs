namespace Lem.Engine.Measurement;

/// <summary>One timed round of a throughput comparison: the work done in its measured wall time.</summary>
public sealed record ThroughputRound(int Index, bool SamplerOn, double DurationS, double Work, double WorkPerS);
