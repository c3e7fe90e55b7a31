using System.Net;
using System.Net.Sockets;

namespace Lem.Backends.Server.Launching;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on now (the kernel picks it; the server binds it a moment later).</summary>
public static class FreePort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
