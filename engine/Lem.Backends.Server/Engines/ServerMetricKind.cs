namespace Lem.Backends.Server.Engines;

/// <summary>A Prometheus gauge (a level: summarised by mean and max over the window) or counter (summarised by its change over the window).</summary>
public enum ServerMetricKind
{
    Gauge,
    Counter,
}
