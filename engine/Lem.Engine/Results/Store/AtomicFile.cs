using System.Security.Cryptography;
using System.Text;

namespace Lem.Engine.Results.Store;

/// <summary>
/// Writes a file so that readers see either nothing or the whole file: the text goes to a hidden temporary file in
/// the same folder, is flushed to disk, and is then moved to its name without overwriting. A crash leaves at most a
/// <c>.NAME.tmp-XXXXXXXX</c> file, which readers ignore.
/// </summary>
public static class AtomicFile
{
    public static bool IsTemporary(string fileName) => fileName.StartsWith('.') && fileName.Contains(".tmp-", StringComparison.Ordinal);

    /// <summary>Writes <paramref name="path"/>; fails with <see cref="ResultsException"/> when it already exists.</summary>
    public static void WriteNew(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            TryDelete(temporary);
            throw new ResultsException($"{path} already exists; results are never overwritten. Start a new run (it gets a new id) or move the old file away.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ResultsException($"cannot write {path}: {e.Message}. Check that the results folder is writable and the disk is not full.", e);
        }
    }

    /// <summary>Replaces <paramref name="path"/> atomically (used only for derived caches such as aggregated.json).</summary>
    public static void Replace(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ResultsException($"cannot write {path}: {e.Message}. Check that the results folder is writable and the disk is not full.", e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
