namespace Lem.Engine.Config;

/// <summary>Values of <c>warmup.mode</c>.</summary>
public enum WarmupMode { Fixed, UntilStable }
