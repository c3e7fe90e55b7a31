namespace Lem.Engine.Workload.Traffic;

/// <summary>
/// Request arrivals (open loop: the schedule is drawn before the run and does not wait for the engine).
/// <see cref="None"/>: every request at t = 0 and batches run back to back. <see cref="Constant"/>: a gap of 1/qps.
/// <see cref="Poisson"/>: exponential gaps with mean 1/qps. <see cref="Gamma"/>: gamma gaps with shape k = burstiness
/// and mean 1/qps (k &lt; 1 burstier than Poisson, k = 1 is Poisson, k &gt; 1 more regular).
/// </summary>
public enum TrafficMode
{
    None,
    Constant,
    Poisson,
    Gamma,
}
