namespace Lem.Engine.Running;

/// <summary>
/// What a campaign run left: the done runs' entries, the runs another process was running (its claim held), with who,
/// and the runs that failed (each recorded as failed; rerunning the campaign runs them again).
/// </summary>
public sealed record CampaignOutcome(IReadOnlyList<ManifestEntry> Done, IReadOnlyList<(string Key, string Holder)> Busy, IReadOnlyList<FailedRun> Failed);
