using Lem.Engine.Meters;

namespace Lem.Engine.Measurement;

/// <summary>
/// Splits energy at a timestamp (time to first token vs the rest) using a cumulative energy-counter series sampled
/// during the window. Cumulative energy at a time is interpolated linearly between the samples around it. A phase
/// spanning fewer than ~10 counter update periods is low-confidence; one shorter than a period has no energy figure.
/// The runner uses it where the GPU has no power samples to weigh the counter's total with
/// (<see cref="PowerWeightedPhaseSplit"/>, which resolves phases as short as the sample interval).
/// </summary>
public static class PhaseSplit
{
    public static (PhaseEnergy First, PhaseEnergy Second) Split(
        IReadOnlyList<(double TimeS, double EnergyJ)> cumulative, double startS, double splitS, double endS,
        double? updatePeriodMs, double lowConfidenceUpdates = 10, string firstName = "prefill", string secondName = "decode")
    {
        if (!(startS <= splitS && splitS <= endS))
            throw new ArgumentException($"phase times must be ordered: start {startS} ≤ split {splitS} ≤ end {endS}.");
        return (Phase(firstName, cumulative, startS, splitS, updatePeriodMs, lowConfidenceUpdates),
            Phase(secondName, cumulative, splitS, endS, updatePeriodMs, lowConfidenceUpdates));
    }

    /// <summary>Energy between two times from a cumulative series; see the class remarks.</summary>
    public static PhaseEnergy Phase(string name, IReadOnlyList<(double TimeS, double EnergyJ)> cumulative, double fromS, double toS,
        double? updatePeriodMs, double lowConfidenceUpdates = 10)
    {
        var duration = toS - fromS;
        var a = At(cumulative, fromS);
        var b = At(cumulative, toS);
        if (a is null || b is null)
            return new PhaseEnergy(name, duration, null, true, "phase lies outside the sampled energy series");
        if (updatePeriodMs is not { } period)
            return new PhaseEnergy(name, duration, b - a, true, "counter update period unknown");
        var updates = duration * 1000 / period;
        if (updates < 1)
            return new PhaseEnergy(name, duration, null, true,
                $"phase of {duration * 1000:F1} ms is shorter than one counter update ({period:F0} ms)", ResolutionMs: period);
        return updates < lowConfidenceUpdates
            ? new PhaseEnergy(name, duration, b - a, true, $"phase spans {updates:F1} counter updates ({period:F0} ms), fewer than {lowConfidenceUpdates:F0}",
                ResolutionMs: period)
            : new PhaseEnergy(name, duration, b - a, false, null, ResolutionMs: period);
    }

    /// <summary>Cumulative energy at time t by linear interpolation; null outside the series.</summary>
    public static double? At(IReadOnlyList<(double TimeS, double EnergyJ)> series, double t)
    {
        if (series.Count == 0 || t < series[0].TimeS || t > series[^1].TimeS) return null;
        for (var i = 1; i < series.Count; i++)
        {
            if (t > series[i].TimeS) continue;
            var (t0, e0) = series[i - 1];
            var (t1, e1) = series[i];
            return t1 == t0 ? e1 : e0 + (e1 - e0) * (t - t0) / (t1 - t0);
        }
        return series[^1].EnergyJ;
    }

    /// <summary>The <c>gpuN_energy_counter_j</c> series of a window result (time series must be enabled).</summary>
    public static IReadOnlyList<(double TimeS, double EnergyJ)> CounterSeries(MeterWindowResult result, string gpuPrefix = "gpu0") =>
        result.TimeSeries.Where(p => p.Series == $"{gpuPrefix}_energy_counter_j").Select(p => (p.TimeS, p.Value)).ToArray();
}
