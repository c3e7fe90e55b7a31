namespace Lem.Engine.Results.Store;

/// <summary>
/// Content of a run's <c>START</c> file, written first, when its folder is made: which planned run the folder holds
/// (<paramref name="RunKey"/> and <paramref name="ConfigHash"/>, null for runs made outside a campaign) and which
/// process writes it. With <c>DONE</c> it makes the folder the truth about its planned run: resume finds completed
/// runs by it, whatever the manifest says.
/// </summary>
public sealed record StartMarker(string RunId, string Experiment, int Cycle, string? RunKey, string? ConfigHash, int Pid, string Host, DateTimeOffset StartedUtc);
