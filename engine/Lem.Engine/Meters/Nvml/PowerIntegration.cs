namespace Lem.Engine.Meters.Nvml;

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

    /// <summary>Trapezoid energy of one field of GPU samples.</summary>
    public static double? TrapezoidJ(ReadOnlySpan<GpuSample> samples, Func<GpuSample, double> power)
    {
        var times = new double[samples.Length];
        var powers = new double[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            times[i] = samples[i].TimeS;
            powers[i] = power(samples[i]);
        }
        return TrapezoidJ(times, powers);
    }

    /// <summary>
    /// Seconds spent with each bit set: each interval counts half for each end whose reading has the bit
    /// (the trapezoid rule applied to a 0/1 signal).
    /// </summary>
    public static double TimeWithBitS(ReadOnlySpan<GpuSample> samples, ulong bit)
    {
        double seconds = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            var a = (samples[i - 1].ClockEventReasons & bit) != 0 ? 1.0 : 0.0;
            var b = (samples[i].ClockEventReasons & bit) != 0 ? 1.0 : 0.0;
            seconds += (samples[i].TimeS - samples[i - 1].TimeS) * (a + b) / 2;
        }
        return seconds;
    }
}
