using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Store;

/// <summary>A run folder as resume sees it: its status by its markers and its START marker (null in folders written before START existed).</summary>
public sealed record RunFolderState(string RunId, string Folder, RunStatus Status, StartMarker? Start);
