namespace Lem.Engine.Meters;

/// <summary>How an energy figure was obtained. Every energy figure in a result carries one.</summary>
public enum EnergySource
{
    /// <summary>A hardware energy counter read at both window edges (NVML total energy, RAPL).</summary>
    MeasuredCounter,
    /// <summary>Power samples integrated over time (trapezoid rule).</summary>
    MeasuredSamples,
    /// <summary>A model (utilisation × TDP, per-GB RAM power); the method says which.</summary>
    Estimated,
    /// <summary>Nothing measured or estimated; the figure is absent (never 0 J) and the note says why.</summary>
    Unavailable,
}
