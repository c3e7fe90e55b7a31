namespace Lem.Backends.Server.Engines;

/// <summary>
/// One server-side figure lem scrapes from <c>/metrics</c>: its name in lem's series (<c>server_running_requests</c>,
/// the same for every engine) and the Prometheus names an engine uses for it (the first present wins: engines rename
/// metrics between versions). The values of its label sets (vLLM labels per model and engine) are summed, or averaged
/// for a <see cref="ServerMetricKind.Ratio"/>.
/// </summary>
public sealed record ServerMetric(string Series, ServerMetricKind Kind, string Meaning, params string[] PrometheusNames);
