using Lem.Engine.Config;

namespace Lem.Engine.Workload.Traffic;

/// <summary>
/// The arrival process and the in-process scheduler's batching wait.
/// <paramref name="Qps"/>: mean arrivals per second (constant, poisson). <paramref name="Burstiness"/>: poisson only, the
/// shape k of gamma-distributed gaps (1: exponential gaps, a Poisson process; below 1 burstier, above 1 more regular).
/// <paramref name="MaxWait"/>: once the first waiting request is there, how long the scheduler waits for more
/// (up to batch_size) before it starts a batch; zero starts with whatever has arrived.
/// </summary>
public sealed record TrafficOptions(TrafficMode Mode, double Qps = 1.0, long Seed = 0, double Burstiness = 1.0, TimeSpan MaxWait = default)
{
    public static readonly TrafficOptions None = new(TrafficMode.None);
}
