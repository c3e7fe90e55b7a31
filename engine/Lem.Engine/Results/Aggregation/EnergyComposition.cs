using System.Globalization;
using Lem.Engine.Meters;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// Which components of a total are measured and which estimated, and the estimated share of the total — so that a
/// total never leans silently on an estimate that dominates it.
/// </summary>
public sealed record EnergyComposition(IReadOnlyList<string> Measured, IReadOnlyList<string> Estimated, IReadOnlyList<string> Unavailable, double? EstimatedShare)
{
    public const double DefaultDominanceLimit = 0.5;

    public static EnergyComposition Of(IEnumerable<EnergyRecord> energy)
    {
        var list = energy.ToList();
        var measured = list.Where(e => e.EnergyJ is not null && e.Source is EnergySource.MeasuredCounter or EnergySource.MeasuredSamples).ToList();
        var estimated = list.Where(e => e.EnergyJ is not null && e.Source == EnergySource.Estimated).ToList();
        var unavailable = list.Where(e => e.EnergyJ is null || e.Source == EnergySource.Unavailable).Select(e => e.Component).ToList();
        var total = measured.Sum(e => e.EnergyJ!.Value) + estimated.Sum(e => e.EnergyJ!.Value);
        double? share = unavailable.Count == 0 && total > 0 ? estimated.Sum(e => e.EnergyJ!.Value) / total : null;
        return new EnergyComposition(measured.Select(e => e.Component).ToList(), estimated.Select(e => e.Component).ToList(), unavailable, share);
    }

    /// <summary>True when estimated components make up more than <paramref name="limit"/> of the total.</summary>
    public bool EstimateDominates(double limit = DefaultDominanceLimit) => EstimatedShare is { } s && s > limit;

    /// <summary><c>measured: gpu:0; estimated: cpu, ram (62% of the total, which it dominates)</c>.</summary>
    public string Describe(double limit = DefaultDominanceLimit)
    {
        var parts = new List<string>();
        if (Measured.Count > 0) parts.Add("measured: " + string.Join(", ", Measured));
        if (Estimated.Count > 0)
            parts.Add("estimated: " + string.Join(", ", Estimated)
                + (EstimatedShare is { } s ? string.Create(CultureInfo.InvariantCulture, $" ({s * 100:F0}% of the total{(EstimateDominates(limit) ? ", which the estimate dominates" : "")})") : ""));
        if (Unavailable.Count > 0) parts.Add("unavailable: " + string.Join(", ", Unavailable));
        return parts.Count == 0 ? "no energy figure" : string.Join("; ", parts);
    }

    /// <summary>The warning a record carries when an estimate dominates its total; null otherwise.</summary>
    public WarningRecord? DominanceWarning(double limit = DefaultDominanceLimit) =>
        EstimateDominates(limit)
            ? new WarningRecord("estimate-dominates-total",
                string.Create(CultureInfo.InvariantCulture, $"estimated components ({string.Join(", ", Estimated)}) make up {EstimatedShare * 100:F0}% of energy_total_j; measured: {(Measured.Count > 0 ? string.Join(", ", Measured) : "none")}."),
                "Quote the measured components on their own (energy_gpu_j, energy_gpu_per_output_token_j), or measure the host with RAPL (root on Linux ≥ 5.10).")
            : null;
}
