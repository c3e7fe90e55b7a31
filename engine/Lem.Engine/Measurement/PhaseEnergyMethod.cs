namespace Lem.Engine.Measurement;

/// <summary>How a phase's energy was obtained.</summary>
public enum PhaseEnergyMethod
{
    /// <summary>Difference of the sampled energy-counter series at the phase's edges (<see cref="PhaseSplit.Phase"/>).</summary>
    CounterSeries,

    /// <summary>
    /// The energy counter's total apportioned by the integral of the instant power samples
    /// (<see cref="PowerWeightedPhaseSplit"/>).
    /// </summary>
    PowerWeighted,
}
