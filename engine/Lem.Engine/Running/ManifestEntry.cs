namespace Lem.Engine.Running;

/// <summary>
/// Running: its process is measuring it (or was killed doing so); Done: a complete run folder holds it; Failed: it
/// stopped with an error; Interrupted: lem was stopped (Ctrl-C, SIGTERM) during it; Pending: not run, or its entry said
/// done but no complete folder holds it, so it runs again. Skipped is kept for manifests written by older versions.
/// </summary>
public enum ManifestStatus { Pending, Running, Done, Failed, Skipped, Interrupted }

/// <summary>One planned run's entry in a run manifest: run key → resolved config hash → status → result folder; a failed
/// run's error and the stage it failed in (<c>phase</c>).</summary>
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
    string? Error = null,
    string? Phase = null);
