namespace Lem.Engine.Meters.Host;

/// <summary>Which host figures the energy list (and so every total and J/token) holds.</summary>
public enum HostAttributionKind
{
    /// <summary>The measured processes' share of the machine's host energy (the default).</summary>
    Process,

    /// <summary>The whole machine's host energy: the process share could not be read (not Linux, /proc unreadable).</summary>
    System,
}
