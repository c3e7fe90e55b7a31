using Lem.Engine.Meters;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// Energy of one component over the window, as in <see cref="EnergyFigure"/>. <see cref="EnergyJ"/> is null
/// exactly when <see cref="Source"/> is <see cref="EnergySource.Unavailable"/> (never 0 J for "not measured").
/// Component names identify the physical device (<c>gpu:0</c> in NVML index space, <c>cpu:package-0</c>, <c>ram</c>)
/// and must be disjoint: the total is their sum.
/// </summary>
public sealed record EnergyRecord(string Component, double? EnergyJ, EnergySource Source, string Method, string? Note = null, bool LowConfidence = false)
{
    public static EnergyRecord From(EnergyFigure figure) =>
        new(figure.Component, figure.EnergyJ, figure.Source, figure.Method, figure.Note, figure.LowConfidence);
}
