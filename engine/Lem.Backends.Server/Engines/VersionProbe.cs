namespace Lem.Backends.Server.Engines;

/// <summary>Where a server reports its version: a GET path and the JSON property that holds it.</summary>
public sealed record VersionProbe(string Path, string Property);
