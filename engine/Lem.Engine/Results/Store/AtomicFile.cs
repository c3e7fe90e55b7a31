using System.Text;

namespace Lem.Engine.Results.Store;

/// <summary>
/// Writes a file so that readers see either nothing or the whole file: the text goes to a hidden temporary file in
/// the same folder, is flushed to disk, and is then moved to its name. A crash leaves at most a
/// <c>.NAME.tmp-PID-HOST-RANDOM</c> file (<see cref="TemporaryFiles"/>), which readers ignore and a later start sweeps.
/// </summary>
public static class AtomicFile
{
    public static bool IsTemporary(string fileName) => fileName.StartsWith('.') && fileName.Contains(".tmp-", StringComparison.Ordinal);

    /// <summary>Writes <paramref name="path"/>; fails with <see cref="ResultsException"/> when it already exists.</summary>
    public static void WriteNew(string path, string text) => Write(path, text, overwrite: false);

    /// <summary>Replaces <paramref name="path"/> atomically (derived files: aggregated.json, exports, manifest entries).</summary>
    public static void Replace(string path, string text) => Write(path, text, overwrite: true);

    private static void Write(string path, string text, bool overwrite)
    {
        using var temporary = TemporaryFiles.Track(TemporaryFiles.PathBeside(path));
        try
        {
            using (var stream = new FileStream(temporary.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary.Path, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            throw new ResultsException($"{path} already exists; results are never overwritten. Start a new run (it gets a new id) or move the old file away.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsException($"cannot write {path}: {e.Message}. Check that the results folder is writable and the disk is not full.", e);
        }
    }
}
