namespace Lem.Engine.Running;

/// <summary>
/// A run stopped with an error (not a stop request): the experiment runner has marked its folder <c>FAILED</c> (when
/// it had one), kept the requests completed before the error and the backend's logs there, and released its models.
/// The message is the error's own.
/// </summary>
/// <param name="Phase">The stage it failed in: plan, load, workload, baseline, warmup, measure or record.</param>
/// <param name="RunFolder">The run's folder; null when it failed before the folder was made (plan).</param>
/// <param name="LogsFolder">The run folder's <c>logs/</c> with the backend's logs; null when it kept none.</param>
public sealed class RunFailedException(string phase, string? runId, string? runFolder, string? logsFolder, Exception inner)
    : Exception(inner.Message, inner)
{
    public string Phase { get; } = phase;
    public string? RunId { get; } = runId;
    public string? RunFolder { get; } = runFolder;
    public string? LogsFolder { get; } = logsFolder;
}
