namespace Lem.Engine.Results.Schema;

/// <summary>A typed warning stored with the result: a stable code, what happened, and what to do about it.</summary>
/// <param name="Kind">A warning, or a note saying how a figure was obtained (<see cref="WarningKind"/>); records
/// written before notes existed read as warnings.</param>
public sealed record WarningRecord(string Code, string Message, string? Remedy = null, WarningKind Kind = WarningKind.Warning);
