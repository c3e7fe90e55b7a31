namespace Lem.Engine.Config;

/// <summary>Values of <c>traffic.mode</c>: open-loop arrivals (none, constant, poisson) or a closed loop (concurrent).</summary>
public enum TrafficMode { None, Constant, Poisson, Concurrent }
