namespace Lem.Engine.Config;

/// <summary>Values of <c>parallel.mode</c>.</summary>
public enum ParallelMode { None, Data, Pipeline, Tensor }
