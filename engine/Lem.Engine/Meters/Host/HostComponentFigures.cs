namespace Lem.Engine.Meters.Host;

/// <summary>
/// One host component (a CPU package, the CPU estimate, a DRAM domain, the RAM estimate) over a window: the whole
/// machine's figure and the measured processes' figure side by side, with the ratio between them.
/// </summary>
/// <param name="Ratio">process / system: the CPU-time share, or for the RAM estimate the resident-memory share; null when unknown.</param>
/// <param name="IdlePowerW">The component's idle baseline (whole machine), when one was measured.</param>
/// <param name="SystemAdjustedJ">System − idle power × window duration.</param>
/// <param name="ProcessAdjustedJ">Ratio × the adjusted system figure: the processes' share of the energy above idle.</param>
public sealed record HostComponentFigures(
    string Component,
    EnergyFigure System,
    EnergyFigure Process,
    double? Ratio,
    double? IdlePowerW = null,
    double? SystemAdjustedJ = null,
    double? ProcessAdjustedJ = null);
