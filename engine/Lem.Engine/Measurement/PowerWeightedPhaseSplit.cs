using Lem.Engine.Meters;
using Lem.Engine.Meters.Nvml;

namespace Lem.Engine.Measurement;

/// <summary>
/// Splits a GPU's energy between phases at the resolution of its power samples. The energy counter gives the total over
/// the span of its sampled series (the window: the counter is read at both edges) and the instant power samples say how
/// that total is spread in time: E_phase = E_counter(span) × ∫P(phase) / ∫P(span), both integrals by the trapezoid rule
/// over the samples, interpolated linearly at the phase's edges. The phases of a span therefore sum to its counter
/// energy, and the power sensor's own scale error cancels. The resolution is the spacing of the power samples around
/// the phase (the sample interval, longer where the sampler fell behind): a phase spanning fewer than ~10 of them is
/// low-confidence. A phase shorter than one spacing is still given, low-confidence: its power is interpolated between
/// the samples around it.
/// </summary>
public sealed class PowerWeightedPhaseSplit
{
    private readonly double[] _timesS;
    private readonly double[] _powersW;
    private readonly double _sampleIntervalMs;

    private PowerWeightedPhaseSplit(double[] timesS, double[] powersW, double sampleIntervalMs, double spanFromS, double spanToS,
        double spanEnergyJ, double spanSampledEnergyJ)
    {
        _timesS = timesS;
        _powersW = powersW;
        _sampleIntervalMs = sampleIntervalMs;
        SpanFromS = spanFromS;
        SpanToS = spanToS;
        SpanEnergyJ = spanEnergyJ;
        SpanSampledEnergyJ = spanSampledEnergyJ;
    }

    /// <summary>Start of the span whose counter energy is apportioned (the first point of the counter series).</summary>
    public double SpanFromS { get; }

    /// <summary>End of the span (the last point of the counter series).</summary>
    public double SpanToS { get; }

    /// <summary>The energy counter's increase over the span.</summary>
    public double SpanEnergyJ { get; }

    /// <summary>Trapezoid integral of the power samples over the span.</summary>
    public double SpanSampledEnergyJ { get; }

    /// <summary>
    /// Prepares the split of one GPU's window. Null when the power samples cannot weigh it — fewer than two samples, no
    /// sample interval (no sampler), a counter series of fewer than two points, or no positive power integral over its
    /// span — and the caller falls back to the counter series (<see cref="PhaseSplit"/>).
    /// </summary>
    /// <param name="power">Power samples (time s, W), in time order; NaN values are skipped.</param>
    /// <param name="cumulative">The sampled energy-counter series (time s, cumulative J), in time order.</param>
    /// <param name="sampleIntervalMs">The sampler's interval (<c>measurement.sample_interval</c>).</param>
    public static PowerWeightedPhaseSplit? Create(IReadOnlyList<(double TimeS, double PowerW)> power,
        IReadOnlyList<(double TimeS, double EnergyJ)> cumulative, double? sampleIntervalMs)
    {
        var valid = power.Where(p => !double.IsNaN(p.PowerW)).ToArray();
        if (valid.Length < 2 || cumulative.Count < 2 || sampleIntervalMs is not { } interval || !(interval > 0)) return null;
        var (fromS, e0) = cumulative[0];
        var (toS, e1) = cumulative[^1];
        if (!(toS > fromS) || e1 < e0) return null;
        var times = valid.Select(p => p.TimeS).ToArray();
        var powers = valid.Select(p => p.PowerW).ToArray();
        var sampled = PowerIntegration.TrapezoidJ(times, powers, fromS, toS);
        if (sampled is not { } sampledJ || !(sampledJ > 0)) return null;
        return new PowerWeightedPhaseSplit(times, powers, interval, fromS, toS, e1 - e0, sampledJ);
    }

    /// <summary>The <c>gpuN_instant_power_w</c> series of a window result (time series must be enabled).</summary>
    public static IReadOnlyList<(double TimeS, double PowerW)> InstantPowerSeries(MeterWindowResult result, string gpuPrefix = "gpu0") =>
        result.TimeSeries.Where(p => p.Series == $"{gpuPrefix}_instant_power_w").Select(p => (p.TimeS, p.Value)).ToArray();

    /// <summary>Two consecutive phases: [start, split] and [split, end].</summary>
    public (PhaseEnergy First, PhaseEnergy Second) Split(double startS, double splitS, double endS, double lowConfidencePeriods = 10,
        string firstName = "prefill", string secondName = "decode")
    {
        if (!(startS <= splitS && splitS <= endS))
            throw new ArgumentException($"phase times must be ordered: start {startS} ≤ split {splitS} ≤ end {endS}.");
        return (Phase(firstName, startS, splitS, lowConfidencePeriods), Phase(secondName, splitS, endS, lowConfidencePeriods));
    }

    /// <summary>Energy of one phase [from, to]; see the class remarks.</summary>
    public PhaseEnergy Phase(string name, double fromS, double toS, double lowConfidencePeriods = 10)
    {
        var duration = toS - fromS;
        if (fromS < SpanFromS || toS > SpanToS)
            return new PhaseEnergy(name, duration, null, true, "phase lies outside the window's energy counter reads",
                PhaseEnergyMethod.PowerWeighted, _sampleIntervalMs);
        if (duration <= 0) return new PhaseEnergy(name, 0, 0, false, null, PhaseEnergyMethod.PowerWeighted, _sampleIntervalMs);

        var sampledJ = PowerIntegration.TrapezoidJ(_timesS, _powersW, fromS, toS)!.Value;
        var energy = SpanEnergyJ * sampledJ / SpanSampledEnergyJ;
        var resolutionMs = Math.Max(_sampleIntervalMs, SpacingS(fromS, toS) * 1000);
        var periods = duration * 1000 / resolutionMs;
        if (periods < 1)
            return new PhaseEnergy(name, duration, energy, true,
                $"phase of {duration * 1000:F1} ms is shorter than one power sample interval ({resolutionMs:F0} ms): its power is interpolated between the samples around it",
                PhaseEnergyMethod.PowerWeighted, resolutionMs);
        return periods < lowConfidencePeriods
            ? new PhaseEnergy(name, duration, energy, true,
                $"phase spans {periods:F1} power sample intervals ({resolutionMs:F0} ms), fewer than {lowConfidencePeriods:F0}",
                PhaseEnergyMethod.PowerWeighted, resolutionMs)
            : new PhaseEnergy(name, duration, energy, false, null, PhaseEnergyMethod.PowerWeighted, resolutionMs);
    }

    /// <summary>
    /// The longest distance between the points the interpolation over [from, to] rests on: the samples inside it and
    /// the sample at or beyond each edge (the edge itself where no sample lies beyond it and the value is held).
    /// </summary>
    private double SpacingS(double fromS, double toS)
    {
        var before = Array.FindLastIndex(_timesS, t => t <= fromS);
        var after = Array.FindIndex(_timesS, t => t >= toS);
        var previous = before >= 0 ? _timesS[before] : fromS;
        var last = after >= 0 ? _timesS[after] : toS;
        var spacing = 0.0;
        foreach (var t in _timesS)
        {
            if (t <= previous || t >= last) continue;
            spacing = Math.Max(spacing, t - previous);
            previous = t;
        }
        return Math.Max(spacing, last - previous);
    }
}
