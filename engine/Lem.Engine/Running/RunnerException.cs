namespace Lem.Engine.Running;

/// <summary>A run could not start or finish; the message names the experiment, the cause and the remedy.</summary>
public sealed class RunnerException(string message, Exception? inner = null) : Exception(message, inner);
