namespace Lem.Engine.Config;

/// <summary>Values of <c>traffic.mode</c>.</summary>
public enum TrafficMode { None, Constant, Poisson }
