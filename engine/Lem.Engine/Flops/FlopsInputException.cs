namespace Lem.Engine.Flops;

/// <summary>
/// A user-facing failure of FLOPs estimation (an unreadable or unsupported config.json, an impossible workload shape):
/// one message naming the file or parameter and the remedy. Callers print <see cref="Exception.Message"/>, never the stack.
/// </summary>
public sealed class FlopsInputException(string message, Exception? inner = null) : Exception(message, inner);
