namespace Lem.Engine.Config;

/// <summary>A parameter value after inheritance, sweeps and overrides, with where it came from.</summary>
public sealed record ResolvedValue(ConfigValue Value, Provenance From);
