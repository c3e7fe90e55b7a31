namespace Lem.Backends.Server.Metrics;

/// <summary>Where the Prometheus text comes from: the server's /metrics, or a fake in tests.</summary>
public interface IMetricsSource
{
    /// <summary>The exposition text; throws where the server cannot be reached or answers an error.</summary>
    string Scrape(TimeSpan timeout);
}
