namespace Lem.Engine.Meters.Estimates;

/// <summary>One row of the CPU TDP table: model name, TDP per socket in watts, where the figure comes from.</summary>
public sealed record CpuTdpEntry(string Model, double TdpW, string Source);
