using System.Text;

namespace Lem.Backends.Server.Launching;

/// <summary>
/// Exactly what lem runs to start a server: an argument list (never a shell string), extra environment variables,
/// and the address it will listen on. Built from the load request alone (<see cref="LaunchPlanner"/>), so the same
/// request gives the same plan except for the port.
/// </summary>
/// <param name="Arguments">The program first, then its arguments, as the process receives them.</param>
/// <param name="Environment">Variables added to lem's environment for the server (recorded).</param>
/// <param name="SecretEnvironment">Variables that hold secrets (an API key): passed to the server, never recorded or logged.</param>
/// <param name="ServedModel">The model name requests carry and <c>/v1/models</c> must list.</param>
public sealed record LaunchPlan(
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> SecretEnvironment,
    string Host,
    int Port,
    string ServedModel)
{
    public string BaseUrl => $"http://{Host}:{Port}";

    /// <summary>The command line as a reader would retype it (each argument quoted where needed), for records and errors.</summary>
    public string CommandLine => string.Join(" ", Arguments.Select(Quote));

    /// <summary>The recorded environment, <c>NAME=value</c> pairs in name order (secrets left out).</summary>
    public string EnvironmentText => string.Join(" ", Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={Quote(e.Value)}"));

    /// <summary>POSIX shell quoting for display only; nothing ever runs this text.</summary>
    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c))) return argument;
        var quoted = new StringBuilder("'");
        foreach (var c in argument) quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        return quoted.Append('\'').ToString();
    }
}
