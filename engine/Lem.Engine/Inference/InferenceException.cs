namespace Lem.Engine.Inference;

/// <summary>A user-facing failure of a backend: one line naming the thing and the remedy, no stack trace.</summary>
public sealed class InferenceException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Log files that explain the failure where no loaded model can name them (a launched server that exited or never
    /// became ready); a failed run keeps them in its folder's <c>logs/</c>.
    /// </summary>
    public IReadOnlyList<string> LogFiles { get; init; } = [];
}
