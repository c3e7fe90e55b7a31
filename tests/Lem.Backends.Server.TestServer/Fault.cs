namespace Lem.Backends.Server.TestServer;

/// <summary>What goes wrong with a request, on demand.</summary>
public enum FaultKind
{
    None,
    /// <summary>Answers 429 Too Many Requests with an OpenAI-style error body.</summary>
    TooManyRequests,
    /// <summary>Answers 500 with an OpenAI-style error body.</summary>
    ServerError,
    /// <summary>Streams <see cref="Fault.Tokens"/> tokens, then closes the stream without finish_reason, usage or [DONE].</summary>
    TruncateStream,
    /// <summary>Streams <see cref="Fault.Tokens"/> tokens, then ends the process abruptly (a crashed server).</summary>
    KillProcess,
    /// <summary>Sends keep-alive comments and no token until the client gives up.</summary>
    StallFirstToken,
    /// <summary>Sends <see cref="Fault.Tokens"/> keep-alive comments before the first token, then streams normally.</summary>
    KeepAliveFirst,
    /// <summary>Stops with finish_reason "stop" after <see cref="Fault.Tokens"/> tokens, whatever min_tokens says (an engine that did not honour it).</summary>
    EarlyStop,
    /// <summary>Sends an error object inside the stream after <see cref="Fault.Tokens"/> tokens.</summary>
    ErrorEvent,
}

public sealed record Fault(FaultKind Kind, int Tokens = 0)
{
    public static readonly Fault None = new(FaultKind.None);

    /// <summary>From a command-line value such as <c>truncate-stream:3</c>.</summary>
    public static Fault Parse(string text)
    {
        var parts = text.Split(':', 2);
        var kind = Enum.GetValues<FaultKind>().FirstOrDefault(k => Kebab(k) == parts[0]);
        if (kind == FaultKind.None && parts[0] != "none") throw new ArgumentException($"unknown fault '{parts[0]}'");
        return new Fault(kind, parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    private static string Kebab(FaultKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
