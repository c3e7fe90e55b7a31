namespace Lem.Engine.Config;

/// <summary>A configuration with errors was turned into an <see cref="ExperimentConfig"/>. The message lists every error with its location.</summary>
public sealed class ConfigException(IReadOnlyList<Diagnostic> diagnostics) : Exception(Describe(diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;

    private static string Describe(IReadOnlyList<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        var lines = errors.Select(d => "  " + (d.Location is null ? "" : d.Location + ": ") + d);
        return $"the configuration has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
