namespace Lem.Engine.Measurement;

/// <summary>Time and energy of one phase of a request (e.g. prefill: start → first token; decode: first token → end).</summary>
/// <param name="EnergyJ">Null when the phase cannot be resolved (shorter than one counter update period without power
/// samples) or lies outside the sampled series.</param>
/// <param name="Method">How <paramref name="EnergyJ"/> was obtained.</param>
/// <param name="ResolutionMs">The time resolution the figure was judged with: the counter series' resolution, or the
/// power-sample spacing around the phase; null when unknown.</param>
public sealed record PhaseEnergy(string Phase, double DurationS, double? EnergyJ, bool LowConfidence, string? Note,
    PhaseEnergyMethod Method = PhaseEnergyMethod.CounterSeries, double? ResolutionMs = null);
