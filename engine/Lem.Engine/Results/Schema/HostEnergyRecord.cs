using Lem.Engine.Meters.Host;

namespace Lem.Engine.Results.Schema;

/// <summary>
/// Host energy (CPU and RAM) attributed to the measured processes, beside the whole machine's: which figures the
/// energy list holds (<see cref="Attribution"/>: <c>process</c> by default, <c>system</c> where no share could be read),
/// the processes, the shares, and per component the system and process figures side by side (each with its source and
/// method) with the idle-adjusted figures where a host baseline was measured.
/// </summary>
/// <param name="ProcessCpuShare">CPU time of the processes / busy CPU time of the machine over the window.</param>
/// <param name="OtherCpuShare">Busy CPU time of every other process / all CPU time of the machine (its capacity).</param>
/// <param name="ProcessRssMeanBytes">Time-weighted mean resident memory of the processes.</param>
public sealed record HostEnergyRecord(
    HostAttributionKind Attribution,
    string ProcessSet,
    double? ProcessCpuShare,
    double? OtherCpuShare,
    double? ProcessRssMeanBytes,
    IReadOnlyList<HostComponentRecord> Components)
{
    public static HostEnergyRecord From(HostEnergy host) => new(
        host.Attribution,
        host.ProcessSet,
        host.Metrics.TryGetValue(ProcessMetricNames.ProcessCpuShare, out var share) ? share : null,
        host.Metrics.TryGetValue(ProcessMetricNames.OtherCpuShare, out var other) ? other : null,
        host.Metrics.TryGetValue(ProcessMetricNames.RssMeanBytes, out var rss) ? rss : null,
        host.Components.Select(HostComponentRecord.From).ToList());
}

/// <summary>One host component: the machine's figure and the processes' figure, and their idle-adjusted values.</summary>
public sealed record HostComponentRecord(
    string Component,
    EnergyRecord System,
    EnergyRecord Process,
    double? Ratio,
    double? IdlePowerW = null,
    double? SystemAdjustedJ = null,
    double? ProcessAdjustedJ = null)
{
    public static HostComponentRecord From(HostComponentFigures c) => new(c.Component, EnergyRecord.From(c.System), EnergyRecord.From(c.Process),
        c.Ratio, c.IdlePowerW, c.SystemAdjustedJ, c.ProcessAdjustedJ);
}
