namespace Lem.Engine.Running.Stages;

/// <summary>The idle power measured (or taken from the cache) before a worker's window, over the components it covers.</summary>
public sealed record IdleBaselineResult(double PowerW, double DurationS, IReadOnlyList<string> Components, bool Cached);
