using System.Globalization;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Host;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// The host-energy parts of a raw record from a window's meter results, in one call for the runner: the energy list
/// with the host components attributed to the processes (<see cref="HostAttribution"/>), the <c>host</c> section
/// (system and process figures side by side, idle-adjusted where a host baseline was measured), the host phase
/// energies (<see cref="HostPhaseSplit"/>), the warnings of both, and the window's peak resident memory with how it
/// was taken.
/// </summary>
public static class HostEnergyRecords
{
    public sealed record Parts(
        IReadOnlyList<EnergyRecord> Energy,
        HostEnergyRecord Host,
        IReadOnlyDictionary<string, double> PhaseMetrics,
        IReadOnlyList<WarningRecord> Warnings,
        long? PeakRssBytes,
        string? PeakRssMethod);

    /// <param name="results">The window's meter results (GPU, host meters, the process meter).</param>
    /// <param name="windowDurationS">The window's duration (for the idle adjustment).</param>
    /// <param name="phases">Each batch's (or request's) start, first token and end on the workload's clock — the times it marked.</param>
    /// <param name="hostBaselines">Host idle baselines (<see cref="IdleBaseline.GetOrMeasureHost"/>); null or empty: none.</param>
    /// <param name="processSet">The processes in words (<see cref="ProcessMeter.Processes"/>).</param>
    public static Parts Build(IReadOnlyList<MeterWindowResult> results, double windowDurationS, IReadOnlyList<PhaseMarks> phases,
        IReadOnlyList<IdleBaselineFigure>? hostBaselines = null, string? processSet = null)
    {
        var idle = hostBaselines is { Count: > 0 } b ? IdleBaseline.PowerByComponent(b) : null;
        var host = HostAttribution.Apply(results, idle, windowDurationS, processSet);
        var split = HostPhaseSplit.Split(results, host, phases);
        var warnings = host.Warnings.Concat(split.Warnings)
            .Select(w => new WarningRecord(w.Code, w.Cause, w.Remedy == "none needed" ? null : w.Remedy, w.Kind)).ToList();
        var process = results.FirstOrDefault(r => r.MeterName == ProcessMeter.MeterName)?.Metrics;
        long? peak = process is not null && process.TryGetValue(ProcessMetricNames.RssPeakBytes, out var p) ? (long)p : null;
        string? method = peak is null ? null
            : process![ProcessMetricNames.RssPeakFromHighWaterMark] > 0 ? "window: VmHWM reset at the window's start (clear_refs) and read at its end"
            : string.Create(CultureInfo.InvariantCulture, $"window: largest of {process.GetValueOrDefault(ProcessMetricNames.RssSamples):F0} samples of VmRSS (the high-water mark could not be reset)");
        return new Parts(host.Energy.Select(EnergyRecord.From).ToList(), HostEnergyRecord.From(host), split.Metrics, warnings, peak, method);
    }
}
