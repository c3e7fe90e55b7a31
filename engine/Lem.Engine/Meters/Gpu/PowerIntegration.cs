namespace Lem.Engine.Meters.Gpu;

/// <summary>Integrates sampled power over time by the trapezoid rule.</summary>
public static class PowerIntegration
{
    /// <summary>
    /// Energy in joules from (time s, power W) pairs. Pairs with NaN power are skipped (the interval bridges them).
    /// Returns null when fewer than two valid samples exist.
    /// </summary>
    public static double? TrapezoidJ(ReadOnlySpan<double> timesS, ReadOnlySpan<double> powersW)
    {
        if (timesS.Length != powersW.Length) throw new ArgumentException("times and powers differ in length");
        double energy = 0;
        var previous = -1;
        var valid = 0;
        for (var i = 0; i < timesS.Length; i++)
        {
            if (double.IsNaN(powersW[i])) continue;
            valid++;
            if (previous >= 0) energy += (timesS[i] - timesS[previous]) * (powersW[i] + powersW[previous]) / 2;
            previous = i;
        }
        return valid >= 2 ? energy : null;
    }

    /// <summary>
    /// Trapezoid energy over exactly [<paramref name="fromS"/>, <paramref name="toS"/>]: the series is cut at both
    /// edges, interpolating linearly between the samples around an edge and holding the nearest sample's value
    /// beyond the first or last sample. Null when fewer than two valid samples exist.
    /// </summary>
    public static double? TrapezoidJ(ReadOnlySpan<double> timesS, ReadOnlySpan<double> powersW, double fromS, double toS)
    {
        if (timesS.Length != powersW.Length) throw new ArgumentException("times and powers differ in length");
        var t = new List<double>(timesS.Length);
        var p = new List<double>(timesS.Length);
        for (var i = 0; i < timesS.Length; i++)
        {
            if (double.IsNaN(powersW[i])) continue;
            t.Add(timesS[i]);
            p.Add(powersW[i]);
        }
        if (t.Count < 2 || toS <= fromS) return null;
        var ct = new List<double> { fromS };
        var cp = new List<double> { ValueAt(t, p, fromS) };
        for (var i = 0; i < t.Count; i++)
        {
            if (t[i] <= fromS || t[i] >= toS) continue;
            ct.Add(t[i]);
            cp.Add(p[i]);
        }
        ct.Add(toS);
        cp.Add(ValueAt(t, p, toS));
        return TrapezoidJ(ct.ToArray(), cp.ToArray());
    }

    /// <summary>Trapezoid energy of one field of GPU samples over [fromS, toS].</summary>
    public static double? TrapezoidJ(ReadOnlySpan<GpuSample> samples, Func<GpuSample, double> power, double fromS, double toS)
    {
        var times = new double[samples.Length];
        var powers = new double[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            times[i] = samples[i].TimeS;
            powers[i] = power(samples[i]);
        }
        return TrapezoidJ(times, powers, fromS, toS);
    }

    /// <summary>
    /// Seconds within [fromS, toS] spent with a throttle reason set: the trapezoid rule applied to the 0/1 signal, so
    /// an interval whose ends disagree counts half.
    /// </summary>
    public static double TimeWithReasonS(ReadOnlySpan<GpuSample> samples, GpuThrottleReasons reason, double fromS, double toS) =>
        TrapezoidJ(samples, s => (s.ThrottleReasons & reason) != 0 ? 1.0 : 0.0, fromS, toS) ?? 0;

    private static double ValueAt(List<double> t, List<double> p, double at)
    {
        if (at <= t[0]) return p[0];
        if (at >= t[^1]) return p[^1];
        var i = t.FindIndex(x => x >= at);
        return t[i] == t[i - 1] ? p[i] : p[i - 1] + (p[i] - p[i - 1]) * (at - t[i - 1]) / (t[i] - t[i - 1]);
    }
}
