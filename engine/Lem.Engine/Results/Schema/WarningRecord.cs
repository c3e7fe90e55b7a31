namespace Lem.Engine.Results.Schema;

/// <summary>A typed warning stored with the result: a stable code, what happened, and what to do about it.</summary>
public sealed record WarningRecord(string Code, string Message, string? Remedy = null);
