namespace Lem.Backends.Server.Engines;

/// <summary>How an engine's command line names the model it serves.</summary>
/// <param name="Flag">The flag before the model (<c>--model-path</c>, <c>-m</c>); null: the model is the first positional argument.</param>
/// <param name="OnCommandLine">False where the server takes no model at start (Ollama: the model is named per request).</param>
public sealed record ModelArgument(string? Flag, bool OnCommandLine = true)
{
    public static readonly ModelArgument Positional = new((string?)null);
    public static readonly ModelArgument PerRequest = new(null, OnCommandLine: false);

    public IReadOnlyList<string> Arguments(string model) =>
        !OnCommandLine ? [] : Flag is null ? [model] : [Flag, model];

    public string Describe() => !OnCommandLine ? "named per request (not on the command line)" : Flag is null ? "first positional argument" : $"`{Flag} MODEL`";
}
