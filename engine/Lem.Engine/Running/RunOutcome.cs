namespace Lem.Engine.Running;

/// <summary>What one completed run produced: its id, its result folder and a one-paragraph summary for the console.</summary>
public sealed record RunOutcome(string RunId, string ResultFolder, string Summary);
