using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Store;

/// <summary>One run folder as listed: its status, its aggregated record when one could be derived, or the problem.</summary>
public sealed record RunEntry(string RunId, string Folder, RunStatus Status, AggregatedRecord? Record, string? Problem);
