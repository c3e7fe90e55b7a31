using Lem.Engine.Meters;
using Lem.Engine.Meters.Gpu;

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
    // _integralJ[i]: trapezoid integral of the samples from the first sample to sample i, so that a phase costs a
    // binary search rather than a pass over the window's samples (a long run has thousands of batches)
    private readonly double[] _integralJ;
    private readonly double _sampleIntervalMs;

    private PowerWeightedPhaseSplit(double[] timesS, double[] powersW, double sampleIntervalMs, double spanFromS, double spanToS,
        double spanEnergyJ)
    {
        _timesS = timesS;
        _powersW = powersW;
        _integralJ = new double[timesS.Length];
        for (var i = 1; i < timesS.Length; i++)
            _integralJ[i] = _integralJ[i - 1] + (timesS[i] - timesS[i - 1]) * (powersW[i] + powersW[i - 1]) / 2;
        _sampleIntervalMs = sampleIntervalMs;
        SpanFromS = spanFromS;
        SpanToS = spanToS;
        SpanEnergyJ = spanEnergyJ;
        SpanSampledEnergyJ = SampledJ(spanFromS, spanToS);
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
        var split = new PowerWeightedPhaseSplit(valid.Select(p => p.TimeS).ToArray(), valid.Select(p => p.PowerW).ToArray(), interval,
            fromS, toS, e1 - e0);
        return split.SpanSampledEnergyJ > 0 ? split : null;
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

        var energy = SpanEnergyJ * SampledJ(fromS, toS) / SpanSampledEnergyJ;
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
    /// Trapezoid integral of the samples over [from, to], interpolated linearly at both edges and holding the first
    /// (last) sample's value before (after) the samples — as <see cref="PowerIntegration.TrapezoidJ(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double)"/>.
    /// </summary>
    private double SampledJ(double fromS, double toS) => IntegralToJ(toS) - IntegralToJ(fromS);

    /// <summary>Integral from the first sample to t (negative before it).</summary>
    private double IntegralToJ(double t)
    {
        if (t <= _timesS[0]) return -_powersW[0] * (_timesS[0] - t);
        var last = _timesS.Length - 1;
        if (t >= _timesS[last]) return _integralJ[last] + _powersW[last] * (t - _timesS[last]);
        var i = LastAtOrBefore(t); // 0 ≤ i < last, and t < _timesS[i + 1]
        var (t0, t1, p0, p1) = (_timesS[i], _timesS[i + 1], _powersW[i], _powersW[i + 1]);
        var pt = p0 + (p1 - p0) * (t - t0) / (t1 - t0);
        return _integralJ[i] + (t - t0) * (p0 + pt) / 2;
    }

    /// <summary>Index of the last sample at or before t; −1 when none.</summary>
    private int LastAtOrBefore(double t)
    {
        var i = Array.BinarySearch(_timesS, t);
        if (i < 0) return ~i - 1;
        while (i + 1 < _timesS.Length && _timesS[i + 1] == t) i++;
        return i;
    }

    /// <summary>
    /// The longest distance between the points the interpolation over [from, to] rests on: the samples inside it and
    /// the sample at or beyond each edge (the edge itself where no sample lies beyond it and the value is held).
    /// </summary>
    private double SpacingS(double fromS, double toS)
    {
        var before = LastAtOrBefore(fromS);
        var previous = before >= 0 ? _timesS[before] : fromS;
        var spacing = 0.0;
        for (var i = before + 1; i < _timesS.Length; i++)
        {
            spacing = Math.Max(spacing, _timesS[i] - previous);
            if (_timesS[i] >= toS) return spacing;
            previous = _timesS[i];
        }
        return Math.Max(spacing, toS - previous);
    }
}
