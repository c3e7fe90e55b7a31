namespace Lem.Engine.Running;

/// <summary>
/// A live status line on stderr for long work: rewritten in place on a terminal, one line per update (at most one
/// every few seconds) when stderr is redirected, so logs stay readable. Never written inside a measurement window
/// more often than the caller asks.
/// </summary>
public sealed class ProgressLine(TextWriter writer, bool interactive)
{
    private static readonly TimeSpan RedirectedInterval = TimeSpan.FromSeconds(5);
    private DateTime _lastWrite = DateTime.MinValue;
    private int _lastLength;

    public static ProgressLine ForConsole() => new(Console.Error, !Console.IsErrorRedirected);

    public void Update(string text)
    {
        if (interactive)
        {
            var padded = text.Length < _lastLength ? text.PadRight(_lastLength) : text;
            writer.Write("\r" + padded);
            _lastLength = text.Length;
            return;
        }
        var now = DateTime.UtcNow;
        if (now - _lastWrite < RedirectedInterval) return;
        _lastWrite = now;
        writer.WriteLine(text);
    }

    /// <summary>Ends the live line so that the next output starts on a fresh line.</summary>
    public void Done(string? finalText = null)
    {
        if (interactive && _lastLength > 0) writer.Write("\r" + new string(' ', _lastLength) + "\r");
        _lastLength = 0;
        if (finalText is not null) writer.WriteLine(finalText);
    }
}
