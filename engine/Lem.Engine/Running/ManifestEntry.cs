namespace Lem.Engine.Running;

public enum ManifestStatus { Pending, Running, Done, Failed, Skipped }

/// <summary>One line of a run manifest: run key → resolved config hash → status → result folder.</summary>
public sealed record ManifestEntry(
    string Key,
    string Experiment,
    int Cycle,
    string ConfigHash,
    ManifestStatus Status,
    string? RunId = null,
    string? ResultFolder = null,
    DateTimeOffset? StartedUtc = null,
    DateTimeOffset? EndedUtc = null,
    string? Error = null);
