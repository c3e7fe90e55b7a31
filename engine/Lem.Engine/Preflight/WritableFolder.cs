namespace Lem.Engine.Preflight;

/// <summary>Whether files can be written into a folder, creating it where it is missing, found without creating it.</summary>
public static class WritableFolder
{
    /// <summary>Why a file cannot be written in <paramref name="folder"/> (created where missing, as writers do), or null when it can.</summary>
    public static string? Problem(string folder)
    {
        var full = Path.GetFullPath(folder);
        // the nearest folder that exists: the file goes there, or into folders the writer creates below it
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return $"{existing} is a file, not a folder";
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return $"no part of {full} exists";
            existing = parent;
        }
        var probe = Path.Combine(existing, $".lem-write-probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{existing} is not writable ({e.Message})";
        }
    }
}
