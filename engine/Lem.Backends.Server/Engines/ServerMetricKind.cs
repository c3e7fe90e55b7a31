namespace Lem.Backends.Server.Engines;

/// <summary>
/// A Prometheus gauge (a level: summarised by its time-weighted mean and its max over the window), a ratio (a gauge that
/// is a share, 0..1, such as KV-cache usage: summarised the same way) or a counter (summarised by its change over the
/// window). Where an engine labels a figure per engine or model, the label sets of a gauge or counter are summed (requests,
/// tokens) and those of a ratio averaged (a share of each engine's own pool; summed they could pass 1).
/// </summary>
public enum ServerMetricKind
{
    Gauge,
    Ratio,
    Counter,
}
