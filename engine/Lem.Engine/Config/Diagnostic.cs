namespace Lem.Engine.Config;

public enum Severity { Error, Warning, Info }

/// <summary>
/// A finding about a configuration, returned as data. <see cref="Parameter"/> names the dotted parameter;
/// <see cref="Location"/> is where the offending value was written when the engine knows it (its provenance).
/// Codes: LEM1xxx are registry/validation findings (the language front end owns LEM0xxx for syntax).
/// </summary>
public sealed record Diagnostic(string Code, Severity Severity, string Message, string? Parameter = null, Provenance? Location = null)
{
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}
