namespace Lem.Engine.Config;

/// <summary>Collects diagnostics during validation; each <see cref="Site"/> adds them for one parameter and location.</summary>
public sealed class Findings
{
    private readonly List<Diagnostic> diagnostics = [];

    public IReadOnlyList<Diagnostic> All => diagnostics;

    public int ErrorCount => diagnostics.Count(d => d.Severity == Severity.Error);

    public Site At(string parameter, Provenance? location) => new(this, parameter, location);

    public void Add(Diagnostic diagnostic) => diagnostics.Add(diagnostic);

    public readonly record struct Site(Findings Findings, string Parameter, Provenance? Location)
    {
        public void Error(string code, string message) => Findings.Add(new Diagnostic(code, Severity.Error, message, Parameter, Location));
        public void Warning(string code, string message) => Findings.Add(new Diagnostic(code, Severity.Warning, message, Parameter, Location));
        public void Info(string code, string message) => Findings.Add(new Diagnostic(code, Severity.Info, message, Parameter, Location));
    }
}
