using Lem.Engine.Meters;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// Energy of one component over the window, as in <see cref="EnergyFigure"/>. <see cref="EnergyJ"/> is null
/// exactly when <see cref="Source"/> is <see cref="EnergySource.Unavailable"/> (never 0 J for "not measured").
/// Component names identify the physical device (<c>gpu:0</c> in NVML index space, <c>cpu:package-0</c>, <c>ram</c>)
/// and must be disjoint: the total is their sum.
/// </summary>
/// <param name="Attributed">True when the figure is the measured processes' share of a machine-wide figure (a CPU-time
/// or resident-memory share × the RAPL counter or the estimate): <see cref="Source"/> says how the machine-wide figure
/// was obtained; written <c>measured-counter (process share)</c> in tables and CSV (<see cref="EnergySourceText"/>).</param>
public sealed record EnergyRecord(string Component, double? EnergyJ, EnergySource Source, string Method, string? Note = null, bool LowConfidence = false,
    bool Attributed = false)
{
    public static EnergyRecord From(EnergyFigure figure) =>
        new(figure.Component, figure.EnergyJ, figure.Source, figure.Method, figure.Note, figure.LowConfidence, figure.Attributed);
}
