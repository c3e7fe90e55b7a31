using Lem.Backends.Server.Client;

namespace Lem.Backends.Server.Metrics;

/// <summary>GET /metrics of a server.</summary>
public sealed class HttpMetricsSource(ServerConnection connection) : IMetricsSource
{
    public string Scrape(TimeSpan timeout)
    {
        using var source = new CancellationTokenSource(timeout);
        var (status, body) = connection.GetTextAsync("/metrics", source.Token).GetAwaiter().GetResult();
        return status == 200 ? body : throw new HttpRequestException($"/metrics answered {status}: {ServerConnection.FirstLine(body)}");
    }
}
