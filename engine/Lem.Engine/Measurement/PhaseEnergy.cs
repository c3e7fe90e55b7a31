namespace Lem.Engine.Measurement;

/// <summary>Time and energy of one phase of a request (e.g. prefill: start → first token; decode: first token → end).</summary>
/// <param name="EnergyJ">Null when the phase is shorter than one counter update period or outside the sampled series.</param>
public sealed record PhaseEnergy(string Phase, double DurationS, double? EnergyJ, bool LowConfidence, string? Note);
