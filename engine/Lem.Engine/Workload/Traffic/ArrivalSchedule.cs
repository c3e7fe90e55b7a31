using Lem.Engine.Config;
namespace Lem.Engine.Workload.Traffic;

/// <summary>
/// Arrival times of an open-loop workload, seconds from the start of the measurement window, drawn before the run.
/// The first request arrives at t = 0; each later one follows the previous by a gap drawn from the mode's distribution.
/// </summary>
public static class ArrivalSchedule
{
    public static double[] Generate(TrafficConfig options, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Validate(options);
        var times = new double[count];
        if (options.Mode == TrafficMode.None) return times;
        var gaps = Gaps(options);
        for (var i = 1; i < count; i++) times[i] = times[i - 1] + gaps();
        return times;
    }

    /// <summary>A source of inter-arrival gaps in seconds, seeded from the options.</summary>
    public static Func<double> Gaps(TrafficConfig options)
    {
        Validate(options);
        var random = Seeds.Random(options.Seed);
        var mean = 1.0 / options.Qps;
        return options.Mode switch
        {
            TrafficMode.None => () => 0,
            TrafficMode.Constant => () => mean,
            // shape 1 is the exponential (a Poisson process); other shapes give gamma gaps of the same mean
            TrafficMode.Poisson when options.Burstiness == 1 => () => RandomVariates.Exponential(random, mean),
            TrafficMode.Poisson => () => RandomVariates.Gamma(random, options.Burstiness, mean / options.Burstiness),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Mode, null),
        };
    }

    private static void Validate(TrafficConfig options)
    {
        if (options.Mode == TrafficMode.None) return;
        if (!(options.Qps > 0) || double.IsInfinity(options.Qps))
            throw new WorkloadException($"traffic.qps = {options.Qps}: it must be a positive, finite rate (requests per second).", "traffic.qps");
        if (options.Mode == TrafficMode.Poisson && (!(options.Burstiness > 0) || double.IsInfinity(options.Burstiness)))
            throw new WorkloadException($"traffic.burstiness = {options.Burstiness}: the gamma shape must be positive (1 is Poisson, below 1 burstier).", "traffic.burstiness");
        if (options.MaxWait < TimeSpan.Zero)
            throw new WorkloadException($"traffic.max_wait = {options.MaxWait}: it cannot be negative.", "traffic.max_wait");
    }
}
