using Lem.Engine;
using Lem.Engine.Inference;

namespace Lem.Models.Onnx;

/// <summary>
/// A folder in a cache written once, atomically: generated into a temporary sibling under an exclusive lock file,
/// marked complete, then renamed into place, so concurrent first uses (threads or processes) wait and share one result
/// and an interrupted write never looks complete.
/// </summary>
public static class CacheFolder
{
    public const string CompleteMarker = ".lem-complete";

    /// <exception cref="InferenceException">The cache cannot be written (disk full, no permission).</exception>
    public static string GetOrCreate(string folder, Action<string> write, string describe)
    {
        if (IsComplete(folder)) return folder;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            using var lockFile = AcquireLock(folder + ".lock");
            if (IsComplete(folder)) return folder;
            TemporaryFiles.Sweep(Path.GetDirectoryName(folder)!); // what a killed lem left half-written
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true); // left incomplete by an interrupted writer
            // tracked: removed on the way out, also when lem is stopped during a long write; a killed writer's is swept later
            using (var temp = TemporaryFiles.Track(TemporaryFiles.PathBeside(folder, hidden: false)))
            {
                write(temp.Path);
                File.WriteAllText(Path.Combine(temp.Path, CompleteMarker), describe + "\n");
                Directory.Move(temp.Path, folder);
            }
            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InferenceException($"{describe} cannot be written to the cache {Path.GetDirectoryName(folder)}: {e.Message}. Remedy: free disk space or set LEM_CACHE_DIR to a writable folder.", e);
        }
    }

    public static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, CompleteMarker));

    /// <summary>An exclusive lock (flock on Linux) held while the stream is open; waits up to an hour for another holder.</summary>
    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow.AddHours(1);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }
}
