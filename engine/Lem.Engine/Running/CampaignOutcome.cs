namespace Lem.Engine.Running;

/// <summary>What a campaign run left: the done runs' entries, and the runs another process was running (its claim held), with who.</summary>
public sealed record CampaignOutcome(IReadOnlyList<ManifestEntry> Done, IReadOnlyList<(string Key, string Holder)> Busy);
