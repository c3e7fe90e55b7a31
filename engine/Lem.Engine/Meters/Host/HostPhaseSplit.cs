using System.Globalization;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Meters.Host;

/// <summary>
/// Prefill and decode energy of the host components (the Energy Lab's method: counters read at each batch's start,
/// first token and end). For every batch and every host component with a marks series (<see cref="HostMarks"/>), the
/// system energy of a phase is the difference of the cumulative series at its edges; the attributed (process) energy
/// is that times the component's window ratio (process / system, <see cref="HostAttribution"/>): CPU time is counted in
/// 10 ms ticks, too coarse to give a share per phase. Phases are summed over batches and over the components of a
/// category: <c>cpu_prefill_energy_j</c>, <c>cpu_decode_energy_j</c>, <c>ram_prefill_energy_j</c>, <c>ram_decode_energy_j</c>.
/// A phase shorter than its meter's resolution has no figure (and then neither has the sum); one shorter than
/// <c>lowConfidencePeriods</c> resolutions is low-confidence. Host meters see the whole machine, so when phases of
/// different batches or requests overlap in time (requests in flight together) no split is possible: every phase
/// figure is unavailable and a warning says so.
/// </summary>
public static class HostPhaseSplit
{
    public const string PrefillCpu = "cpu_prefill_energy_j";
    public const string DecodeCpu = "cpu_decode_energy_j";
    public const string PrefillRam = "ram_prefill_energy_j";
    public const string DecodeRam = "ram_decode_energy_j";

    /// <summary>Phase figures and why any is missing or low-confidence.</summary>
    public sealed record Result(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<MeterWarning> Warnings);

    public static Result Split(IReadOnlyList<MeterWindowResult> results, HostEnergy host, IReadOnlyList<PhaseMarks> phases,
        double lowConfidencePeriods = 10)
    {
        var metrics = new Dictionary<string, double>();
        var warnings = new List<MeterWarning>();
        if (phases.Count == 0) return new Result(metrics, warnings);
        var overlap = MaxOverlap(phases);
        if (overlap > 1)
        {
            warnings.Add(new MeterWarning("host-phase-energy",
                $"host prefill/decode energy is not reported: up to {overlap} batches or requests were in flight at once, and host meters see the whole machine, so one request's prefill cannot be told from another's decode.",
                "Host phase energy needs one request (or batch) at a time: run with concurrency 1, or use the GPU phase figures."));
            return new Result(metrics, warnings);
        }
        var ratios = host.Components.ToDictionary(c => c.Component, c => c.Ratio ?? (host.Attribution == HostAttributionKind.System ? 1 : (double?)null));
        foreach (var category in new[] { EnergyComponents.Cpu, EnergyComponents.Ram })
        {
            var parts = new List<(string Component, double Prefill, double Decode, bool Low, string? Missing, double ResolutionMs)>();
            foreach (var result in results)
            {
                var resolution = result.Metrics.TryGetValue(HostMarks.ResolutionMetric(result.MeterName), out var r) ? r : (double?)null;
                foreach (var (component, series) in HostMarks.Of(result))
                {
                    if (EnergyComponents.Category(component) != category) continue;
                    parts.Add(SplitComponent(component, series, phases, ratios.GetValueOrDefault(component), resolution, lowConfidencePeriods));
                }
            }
            if (parts.Count == 0) continue;
            var expected = host.Components.Count(c => EnergyComponents.Category(c.Component) == category);
            var missing = parts.FirstOrDefault(p => p.Missing is not null).Missing
                ?? (parts.Count < expected ? "a component of this category took no readings at the marks" : null);
            if (missing is not null)
            {
                warnings.Add(new MeterWarning("host-phase-energy", $"{category} prefill/decode energy is not reported: {missing}.",
                    "Phases must be longer than the host meter's resolution (10 ms for the CPU estimate's ticks, about 1 ms for RAPL)."));
                continue;
            }
            metrics[category == EnergyComponents.Cpu ? PrefillCpu : PrefillRam] = parts.Sum(p => p.Prefill);
            metrics[category == EnergyComponents.Cpu ? DecodeCpu : DecodeRam] = parts.Sum(p => p.Decode);
            if (parts.Any(p => p.Low))
                warnings.Add(new MeterWarning("host-phase-energy",
                    string.Create(CultureInfo.InvariantCulture,
                        $"{category} prefill/decode energy is low-confidence: some phases span fewer than {lowConfidencePeriods:F0} periods of the host meter's resolution ({string.Join(", ", parts.Select(p => $"{p.Component} {p.ResolutionMs:F1} ms").Distinct())})."),
                    "Longer phases (longer prompts, bigger batches) resolve better."));
        }
        if (metrics.Count > 0)
            warnings.Add(new MeterWarning("host-phase-energy-method",
                "cpu/ram prefill and decode energy: host counters (or estimates) read at each batch's start, first token and end; the process's part is the window's process/system ratio of each component.",
                "none needed", WarningKind.Note));
        return new Result(metrics, warnings);
    }

    /// <summary>The most phases (start → end) in flight at one time; 1 when they follow one another.</summary>
    public static int MaxOverlap(IReadOnlyList<PhaseMarks> phases)
    {
        var events = phases.SelectMany(p => new[] { (p.StartS, +1), (p.EndS, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2) // an end at the same instant as a start is not an overlap
            .ToArray();
        int open = 0, most = 0;
        foreach (var (_, delta) in events)
        {
            open += delta;
            most = Math.Max(most, open);
        }
        return most;
    }

    private static (string, double, double, bool, string?, double) SplitComponent(string component, IReadOnlyList<(double TimeS, double EnergyJ)> series,
        IReadOnlyList<PhaseMarks> phases, double? ratio, double? resolutionMs, double lowConfidencePeriods)
    {
        var resolution = resolutionMs ?? 0;
        if (ratio is not { } k) return (component, 0, 0, false, $"{component} has no process figure to attribute its phases by", resolution);
        double prefill = 0, decode = 0;
        var low = resolutionMs is null;
        foreach (var p in phases)
        {
            var start = At(series, p.StartS);
            var first = At(series, p.FirstTokenS);
            var end = At(series, p.EndS);
            if (start is null || first is null || end is null)
                return (component, 0, 0, false, string.Create(CultureInfo.InvariantCulture, $"{component} has no reading at a mark of the phase starting at {p.StartS:F3} s"), resolution);
            foreach (var duration in new[] { p.FirstTokenS - p.StartS, p.EndS - p.FirstTokenS })
            {
                if (resolution <= 0) continue;
                var periods = duration * 1000 / resolution;
                if (periods < 1)
                    return (component, 0, 0, false, string.Create(CultureInfo.InvariantCulture,
                        $"a phase of {duration * 1000:F2} ms is shorter than {component}'s resolution ({resolution:F1} ms)"), resolution);
                if (periods < lowConfidencePeriods) low = true;
            }
            prefill += (first.Value - start.Value) * k;
            decode += (end.Value - first.Value) * k;
        }
        return (component, prefill, decode, low, null, resolution);
    }

    /// <summary>
    /// The cumulative value at a time: the reading of the mark taken there, or, between marks, linear interpolation
    /// (<see cref="Measurement.PhaseSplit.At"/>); null outside the marks.
    /// </summary>
    private static double? At(IReadOnlyList<(double TimeS, double EnergyJ)> series, double t) => Measurement.PhaseSplit.At(series, t);
}
