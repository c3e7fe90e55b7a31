using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Store;

/// <summary>A run as found on disk: its raw records (ordered by worker) and its DONE marker, when written.</summary>
public sealed record ResultRun(string RunId, string Folder, RunStatus Status, IReadOnlyList<RawRecord> Records, DoneMarker? Done, string SourceFingerprint);
