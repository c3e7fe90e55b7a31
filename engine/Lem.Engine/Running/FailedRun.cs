namespace Lem.Engine.Running;

/// <summary>A planned run of a campaign that failed with an error; the campaign went on without it.</summary>
/// <param name="Phase">The stage it failed in (plan, load, workload, baseline, warmup, measure, record), or null when unknown.</param>
/// <param name="RunFolder">Its run folder (marked FAILED); null when it failed before one was made.</param>
/// <param name="LogsFolder">The backend's logs kept in its run folder; null when there are none.</param>
public sealed record FailedRun(string Key, string Error, string? Phase, string? RunFolder, string? LogsFolder)
{
    /// <summary>One line: <c>KEY (phase measure): ERROR; logs in FOLDER</c>.</summary>
    public override string ToString() =>
        $"{Key}{(Phase is null ? "" : $" (phase {Phase})")}: {Error}{(LogsFolder is not null ? $"; logs in {LogsFolder}" : RunFolder is not null ? $"; run folder {RunFolder}" : "")}";
}
