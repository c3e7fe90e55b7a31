namespace Lem.Engine.Workload;

/// <summary>
/// A user-facing failure of the workload (a malformed prompt file, an impossible batching budget, a bad
/// argument of <c>synthetic(...)</c> or <c>file(...)</c>): one message naming the file, line or parameter and the remedy.
/// </summary>
/// <param name="Parameter">The dotted parameter at fault (for example <c>prompts</c>), when there is one.</param>
public sealed class WorkloadException(string message, string? parameter = null, Exception? inner = null) : Exception(message, inner)
{
    public string? Parameter { get; } = parameter;
}
