using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lem.Engine.Tests.Meters.Carbon;

/// <summary>A one-request-at-a-time HTTP server on 127.0.0.1 that records requests and answers a fixed response.</summary>
public sealed class LocalHttpStub : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpStub(string statusLine, string body)
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                catch (SocketException) { return; }
                using (client)
                {
                    var stream = client.GetStream();
                    var request = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await stream.ReadAsync(buffer);
                        if (n == 0) break;
                        request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    lock (Requests) Requests.Add(request.ToString());
                    var bytes = Encoding.UTF8.GetBytes(body);
                    var head = $"HTTP/1.1 {statusLine}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                    await stream.WriteAsync(bytes);
                }
            }
        });
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v3/";

    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
