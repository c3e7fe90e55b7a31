namespace Lem.Engine.Config;

/// <summary>
/// The <c>traffic.*</c> section: the arrival process and, per execution shape, how the load is shaped.
/// <paramref name="Qps"/>: mean arrivals per second (constant, poisson). <paramref name="Burstiness"/>: poisson only, the
/// shape k of gamma-distributed gaps (1: exponential gaps, a Poisson process; below 1 burstier, above 1 more regular).
/// <paramref name="MaxWait"/>: batch shape — once the first waiting request is there, how long the scheduler waits for
/// more (up to batch_size) before it starts a batch; zero starts with whatever has arrived.
/// <paramref name="MaxConcurrency"/>: request shape — the most requests in flight (null: no cap).
/// <paramref name="Concurrency"/>: request shape, <see cref="TrafficMode.Concurrent"/> — requests kept in flight.
/// </summary>
public sealed record TrafficConfig(
    TrafficMode Mode,
    double Qps = 1.0,
    double Burstiness = 1.0,
    TimeSpan MaxWait = default,
    long Seed = 0,
    int? MaxConcurrency = null,
    int Concurrency = 1)
{
    public static readonly TrafficConfig None = new(TrafficMode.None);
}
