namespace Lem.Engine.Config;

/// <summary>Values of <c>batching.strategy</c>.</summary>
public enum BatchingStrategy { Static, Dynamic, SortedStatic, SortedDynamic }
