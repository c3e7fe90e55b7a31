namespace Lem.Engine.Results.Schema;

/// <summary>
/// What a run folder's markers say: <c>DONE</c> (written after every raw record of the run) makes it complete;
/// <c>INTERRUPTED</c> (written when its run was stopped, or was found unfinished by a later run of its
/// campaign) makes it interrupted; <c>FAILED</c> (written when its run failed with an error: the phase, the error and
/// its logs) makes it failed; none: incomplete (being written now, or its writer was killed and no later run has looked
/// at it yet). Only complete runs count anywhere.
/// </summary>
public enum RunStatus
{
    Complete,
    Incomplete,
    Interrupted,
    Failed,
}

/// <summary>The word for a status in views and exports (as in the JSON files).</summary>
public static class RunStatusText
{
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.Complete => "complete",
        RunStatus.Interrupted => "interrupted",
        RunStatus.Failed => "failed",
        _ => "incomplete",
    };
}
