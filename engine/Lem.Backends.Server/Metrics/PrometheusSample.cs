namespace Lem.Backends.Server.Metrics;

/// <summary>One sample line of the Prometheus text format: metric name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
