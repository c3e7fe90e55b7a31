namespace Lem.Engine.Results;

/// <summary>
/// A results folder or record problem, with a message that names the folder or file and says the remedy.
/// The CLI prints <see cref="Exception.Message"/> alone; no stack trace reaches users.
/// </summary>
public sealed class ResultsException : Exception
{
    public ResultsException(string message) : base(message) { }
    public ResultsException(string message, Exception inner) : base(message, inner) { }
}
