using System.Text.Json;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Running.Locking;

/// <summary>
/// An operating-system lock on a file, held while this object lives: the file is opened with
/// <see cref="FileShare.None"/>, which .NET takes as an exclusive <c>flock</c> on Linux and macOS (a share lock on
/// Windows). The OS releases it when the process ends in any way (kill -9 included), so a lock file left behind never
/// blocks: lock files are never deleted, only locked. Beside it, <c>NAME.holder</c> (JSON, written after the lock is
/// taken) says who holds it, for the message of a process that could not take it.
/// </summary>
public sealed class FileLock : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private readonly FileStream _stream;

    private FileLock(string path, FileStream stream, LockHolder holder)
    {
        Path = path;
        _stream = stream;
        Holder = holder;
    }

    public string Path { get; }
    public LockHolder Holder { get; }

    /// <summary>Takes the lock at once, or returns null when another process (or another open in this one) holds it.</summary>
    /// <exception cref="RunnerException">The lock file cannot be created (no permission, a read-only file system).</exception>
    public static FileLock? TryTake(string path, LockHolder holder)
    {
        FileStream stream;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunnerException($"cannot create the lock file {path} ({e.Message}). Remedy: make the results folder writable, or give lem run another one with --results DIR.", e);
        }
        try
        {
            AtomicFile.Replace(HolderPath(path), JsonSerializer.Serialize(holder, Json));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new FileLock(path, stream, holder);
    }

    /// <summary>Who holds the lock at <paramref name="path"/> by its holder file; null when that is missing or unreadable.</summary>
    public static LockHolder? ReadHolder(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(HolderPath(path)), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static string HolderPath(string path) => path + ".holder";

    /// <summary>EWOULDBLOCK from flock (11 on Linux, 35 on macOS), or a sharing violation on Windows.</summary>
    private static bool IsHeldElsewhere(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    public void Dispose()
    {
        // the holder file first, while the lock is still ours; the lock file stays (deleting it would let two processes lock two files)
        try { File.Delete(HolderPath(Path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}
