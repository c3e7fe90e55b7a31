namespace Lem.Engine.Config;

/// <summary>Where a resolved parameter value came from.</summary>
public abstract record Provenance
{
    public sealed record Default : Provenance { public override string ToString() => "default"; }
    /// <summary>An assignment in a file (.lem or YAML), 1-based line and column.</summary>
    public sealed record Assignment(string File, int Line, int Column) : Provenance { public override string ToString() => $"{File}:{Line}"; }
    public sealed record Sweep(string SweepName, string File, int Line) : Provenance { public override string ToString() => $"sweep {SweepName} ({File}:{Line})"; }
    public sealed record CommandLine(string Flag) : Provenance { public override string ToString() => $"command line ({Flag})"; }
    /// <summary>Set by the engine from another value (a decoder preset, a derived default).</summary>
    public sealed record Derived(string From) : Provenance { public override string ToString() => $"derived from {From}"; }

    /// <summary>A default of the original LLenergyMeasure tool, applied by the YAML reader to a value an original config leaves out.</summary>
    public sealed record OriginalDefault : Provenance { public override string ToString() => "original default"; }

    public static readonly Provenance DefaultValue = new Default();
}
