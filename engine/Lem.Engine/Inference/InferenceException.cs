namespace Lem.Engine.Inference;

/// <summary>A user-facing failure of a backend: one line naming the thing and the remedy, no stack trace.</summary>
public sealed class InferenceException(string message, Exception? inner = null) : Exception(message, inner);
