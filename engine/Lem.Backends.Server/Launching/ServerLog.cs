namespace Lem.Backends.Server.Launching;

/// <summary>
/// A server's stdout and stderr, written line by line to its log file as they arrive (both streams interleaved, each
/// line as the server wrote it), with the last lines kept in memory for error messages.
/// </summary>
public sealed class ServerLog : IDisposable
{
    private const int KeptLines = 40;
    private readonly object _gate = new();
    private readonly Queue<string> _last = new();
    private readonly StreamWriter _file;

    public ServerLog(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Path { get; }

    public void Append(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _file.WriteLine(line);
            _last.Enqueue(line);
            while (_last.Count > KeptLines) _last.Dequeue();
        }
    }

    /// <summary>A note from lem itself (start, stop), marked so it cannot be taken for the server's output.</summary>
    public void Note(string text) => Append("[lem] " + text);

    /// <summary>Everything in the log file so far (lem's notes included), or null where it cannot be read.</summary>
    public string? ReadAll()
    {
        try
        {
            using var reader = new StreamReader(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Tail(int count = 15)
    {
        lock (_gate) return _last.Skip(Math.Max(0, _last.Count - count)).ToArray();
    }

    /// <summary>The tail as one block for an error message, or a note that the server printed nothing.</summary>
    public string TailText(int count = 15)
    {
        var lines = Tail(count).Where(l => !l.StartsWith("[lem] ", StringComparison.Ordinal)).ToArray();
        return lines.Length == 0 ? $"(the server printed nothing; log: {Path})" : $"last lines of {Path}:\n  " + string.Join("\n  ", lines);
    }

    public void Dispose()
    {
        lock (_gate) _file.Dispose();
    }
}
