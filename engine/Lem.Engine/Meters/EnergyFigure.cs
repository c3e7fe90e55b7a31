namespace Lem.Engine.Meters;

/// <summary>
/// Energy of one component over one window. <see cref="EnergyJ"/> is null exactly when
/// <see cref="Source"/> is <see cref="EnergySource.Unavailable"/>.
/// </summary>
/// <param name="Component">What was measured: <c>gpu:0</c>, <c>cpu:package-0</c>, <c>ram</c>, ...</param>
/// <param name="Method">How, in words a reader can check (for example <c>nvmlDeviceGetTotalEnergyConsumption delta</c>).</param>
/// <param name="LowConfidence">True when the window spans fewer than ~10 counter update periods.</param>
/// <param name="Attributed">True when the figure is the measured processes' share of a machine-wide figure
/// (<c>HostAttribution</c>): <see cref="Source"/> then says how the machine-wide figure was obtained, not the share.</param>
public sealed record EnergyFigure(string Component, double? EnergyJ, EnergySource Source, string Method, string? Note = null, bool LowConfidence = false,
    bool Attributed = false)
{
    public static EnergyFigure Unavailable(string component, string why) => new(component, null, EnergySource.Unavailable, "none", why);
}
