using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lem.Backends.Server.Client;

/// <summary>
/// HTTP to one server: a pooled <see cref="HttpClient"/> with no overall timeout (each request has its own), and the API
/// key as a bearer token where one is configured. The key lives only in the request headers.
/// </summary>
public sealed class ServerConnection : IDisposable
{
    private readonly HttpClient _http;

    public ServerConnection(Uri baseUrl, string? apiKey, HttpMessageHandler? handler = null)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            // uvicorn (vLLM, SGLang) and cpp-httplib (llama-server) close idle keep-alive connections after 5 s; a request
            // sent on one the server has just closed fails (see SendAsync), so idle connections are dropped first
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
            MaxConnectionsPerServer = int.MaxValue,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        {
            BaseAddress = baseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (apiKey is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>How many times a request is sent again after its connection closed unanswered (ResponseEnded) before it fails.</summary>
    public const int MaxResends = 3;

    /// <summary>
    /// Sends the request <paramref name="make"/> makes (headers read, body left to the caller). A request that goes out on
    /// a keep-alive connection the server has just closed is not answered at all (ResponseEnded): it is made and sent
    /// again, up to <see cref="MaxResends"/> times, <paramref name="onResend"/> called before each. A real llama-server
    /// closed connections so under a closed loop, tokenizer calls included, several in a row at times
    /// (docs/benchmarks/2026-12-07-llama-server-cpu.md), although idle ones are dropped before its keep-alive timeout.
    /// </summary>
    /// <param name="onSend">Called just before each attempt goes out (a request's send time is taken again on a resend).</param>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, CancellationToken cancellation,
        Action? onSend = null, Action? onResend = null)
    {
        for (var resends = 0; ; resends++)
        {
            try
            {
                using var message = make();
                onSend?.Invoke();
                return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded && resends < MaxResends)
            {
                onResend?.Invoke();
            }
        }
    }

    private Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellation) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), cancellation);

    public static HttpRequestMessage Post(string path, JsonNode body) => new(HttpMethod.Post, path.TrimStart('/'))
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    /// <summary>GET a path and parse its JSON body; null for a non-2xx answer or a body that is not JSON.</summary>
    public async Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellation)
    {
        using var response = await GetAsync(path, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return null;
        var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        return TryParse(text);
    }

    /// <summary>GET a path; the status code and the body text.</summary>
    public async Task<(int Status, string Body)> GetTextAsync(string path, CancellationToken cancellation)
    {
        using var response = await GetAsync(path, cancellation).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
    }

    /// <summary>POST JSON and parse the JSON answer; throws <see cref="HttpRequestException"/> for a non-2xx answer.</summary>
    public async Task<JsonNode> PostJsonAsync(string path, JsonNode body, CancellationToken cancellation)
    {
        using var response = await SendAsync(() => Post(path, body), cancellation).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"POST {path} answered {(int)response.StatusCode}: {FirstLine(text)}", null, response.StatusCode);
        return TryParse(text) ?? throw new HttpRequestException($"POST {path} answered with a body that is not JSON: {FirstLine(text)}");
    }

    public static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string FirstLine(string text, int maxLength = 300)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= maxLength ? line : line[..maxLength] + "…";
    }

    public void Dispose() => _http.Dispose();
}
