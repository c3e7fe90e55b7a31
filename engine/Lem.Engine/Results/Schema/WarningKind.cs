namespace Lem.Engine.Results.Schema;

/// <summary>
/// What a stored warning is: a <see cref="Warning"/> says something may be wrong with a figure; a <see cref="Note"/>
/// says how a figure was obtained (a method), with nothing to fix. <c>lem run</c> prints them as <c>warning:</c> and <c>note:</c>.
/// </summary>
public enum WarningKind { Warning, Note }
