using Lem.Engine.Measurement;
using Lem.Engine.Results.Schema;
using Lem.Engine.Workload;

namespace Lem.Engine.Running.Stages;

/// <summary>Prefill and decode time and energy of a batch-shape window (the request shape has no per-batch phases).</summary>
internal static class PhaseFigures
{
    /// <summary>
    /// Time and GPU energy of the two phases of every batch — prefill (batch start → first tokens on the host) and decode
    /// (first tokens → end) — summed over batches. Each GPU's energy-counter total over the window is apportioned by its
    /// instant power samples (<see cref="PowerWeightedPhaseSplit"/>: resolution the sample interval); a GPU without them
    /// falls back to the sampled counter series (<see cref="PhaseSplit"/>), which cannot resolve a phase shorter than
    /// the series' resolution. A phase energy is reported only when every batch's phase could be, flagged when any is
    /// low-confidence, and a <c>phase-energy-method</c> note says how it was obtained. The workload clock starts a few
    /// ms after the meters' window. A worker with several GPUs (a pipeline or a tensor split) sums their phase energies.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, double>> Of(WindowMeasurement window, WorkloadRun workload, MeterSet meters,
        List<WarningRecord> warnings)
    {
        // requests a backend batches itself overlap: their phases do not partition the window (docs/metrics.md)
        if (workload.Batches.Count == 0) yield break;
        yield return new("prefill_time_s", workload.Batches.Sum(b => b.PrefillSeconds));
        yield return new("decode_time_s", workload.Batches.Sum(b => b.DecodeSeconds));
        var gpu = meters.Gpu;
        var result = window.Results.FirstOrDefault(r => r.MeterName == gpu?.Name);
        if (gpu is null || result is null || gpu.Gpus.Count == 0) yield break;
        var sampleIntervalMs = meters.Options.SampleIntervalMs > 0 ? meters.Options.SampleIntervalMs : (double?)null;
        var methods = new List<(string Label, string Method)>();
        var phases = gpu.Gpus.SelectMany(g =>
        {
            var prefix = g.Label.Replace(":", "", StringComparison.Ordinal);
            var series = PhaseSplit.CounterSeries(result, prefix);
            var weighted = PowerWeightedPhaseSplit.Create(PowerWeightedPhaseSplit.InstantPowerSeries(result, prefix), series, sampleIntervalMs);
            var period = gpu.CounterSeriesResolutionMs(g.Label);
            methods.Add((g.Label, weighted is not null
                ? FormattableString.Invariant($"the energy counter's total over the window apportioned by the trapezoid integral of instant power samples every {sampleIntervalMs:F0} ms, E_phase = E_counter × ∫P(phase) / ∫P(window)")
                : "differences of the sampled energy-counter series (no instant power samples to weigh it with), resolution "
                    + (period is { } p ? FormattableString.Invariant($"{p:F0} ms") : "unknown")));
            return workload.Batches.Select(b =>
            {
                var split = Math.Min(b.EndS, b.StartS + b.PrefillSeconds);
                return weighted?.Split(b.StartS, split, b.EndS) ?? PhaseSplit.Split(series, b.StartS, split, b.EndS, period);
            });
        }).ToArray();
        var reported = false;
        foreach (var (name, pick) in new (string, Func<(PhaseEnergy First, PhaseEnergy Second), PhaseEnergy>)[] { ("prefill", p => p.First), ("decode", p => p.Second) })
        {
            var parts = phases.Select(pick).ToArray();
            if (parts.Length == 0) continue;
            if (parts.Any(p => p.EnergyJ is null))
            {
                warnings.Add(new WarningRecord("phase-energy", $"{name} energy is not reported: {parts.First(p => p.EnergyJ is null).Note}",
                    "without power samples a phase shorter than the energy counter series' resolution cannot be measured: keep measurement.sample_interval above 0, or make phases longer (longer prompts or batches)"));
                continue;
            }
            if (parts.Any(p => p.LowConfidence))
                warnings.Add(new WarningRecord("phase-energy", $"{name} energy is low-confidence: {parts.First(p => p.LowConfidence).Note}"));
            reported = true;
            yield return new($"gpu_{name}_energy_j", parts.Sum(p => p.EnergyJ!.Value));
        }
        if (reported)
        {
            var byMethod = methods.GroupBy(m => m.Method).ToArray();
            var text = byMethod.Length == 1 ? byMethod[0].Key
                : string.Join("; ", byMethod.Select(m => $"{string.Join(", ", m.Select(x => x.Label))}: {m.Key}"));
            warnings.Add(new WarningRecord("phase-energy-method", $"gpu_prefill_energy_j and gpu_decode_energy_j: {text}", Kind: WarningKind.Note));
        }
    }
}
