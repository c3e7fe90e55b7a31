namespace Lem.Backends.Server.Engines;

/// <summary>How an engine is told to listen on 127.0.0.1 and a port lem chose: two flags, or one environment variable (<c>OLLAMA_HOST=127.0.0.1:PORT</c>).</summary>
public sealed record ListenAddress(string? HostFlag, string? PortFlag, string? EnvironmentVariable = null)
{
    public static ListenAddress Flags(string hostFlag, string portFlag) => new(hostFlag, portFlag);
    public static ListenAddress Environment(string variable) => new(null, null, variable);

    public IReadOnlyList<string> Arguments(string host, int port) =>
        HostFlag is null || PortFlag is null ? [] : [HostFlag, host, PortFlag, port.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    public IEnumerable<KeyValuePair<string, string>> Environment(string host, int port) =>
        EnvironmentVariable is null ? [] : [new(EnvironmentVariable, $"{host}:{port}")];

    /// <summary>Flags lem sets itself, which <c>server.extra_args</c> must not repeat.</summary>
    public IEnumerable<string> ReservedFlags => new[] { HostFlag, PortFlag }.OfType<string>();

    public string Describe() => EnvironmentVariable is not null ? $"environment `{EnvironmentVariable}=127.0.0.1:PORT`" : $"`{HostFlag} 127.0.0.1 {PortFlag} PORT`";
}
