namespace Lem.Backends.Server.Client;

/// <summary>Whether and how often the server's /metrics is scraped (server.metrics, server.metrics_interval).</summary>
public sealed record MetricsOptions(bool Enabled, TimeSpan Interval);
