namespace Lem.Engine.Workload.Traffic;

/// <summary>
/// The arrival process and the in-process scheduler's batching wait.
/// <paramref name="Qps"/>: mean arrivals per second (constant, poisson, gamma). <paramref name="Burstiness"/>: gamma shape k.
/// <paramref name="MaxWait"/>: once the first waiting request is there, how long the scheduler waits for more
/// (up to batch_size) before it starts a batch; zero starts with whatever has arrived.
/// </summary>
public sealed record TrafficOptions(TrafficMode Mode, double Qps = 1.0, long Seed = 0, double Burstiness = 1.0, TimeSpan MaxWait = default)
{
    public static readonly TrafficOptions None = new(TrafficMode.None);

    public static string ModeName(TrafficMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>The mode named by <c>traffic.mode</c> (none, constant, poisson, gamma).</summary>
    public static TrafficMode ParseMode(string name)
    {
        foreach (var mode in Enum.GetValues<TrafficMode>())
            if (ModeName(mode) == name) return mode;
        throw new WorkloadException($"traffic.mode = {name}: unknown mode. Use none, constant, poisson or gamma.", "traffic.mode");
    }
}
