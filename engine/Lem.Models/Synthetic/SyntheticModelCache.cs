using Lem.Engine;
using Lem.Models.Safetensors;
using Lem.Engine.Inference;

namespace Lem.Models.Synthetic;

/// <summary>
/// Resolves <c>synthetic("tiny")</c>, <c>synthetic("llama-3.2-1b")</c>, <c>synthetic("qwen3:tiny")</c> to a model folder
/// in the cache, generating it on first use: <c>$LEM_CACHE_DIR/models</c>, else <c>$XDG_CACHE_HOME/lem/models</c>, else
/// <c>~/.cache/lem/models</c>, folder <c>&lt;arch&gt;-&lt;preset&gt;-seed&lt;N&gt;-v&lt;writer version&gt;</c>.
/// Generation happens in a temporary sibling folder under an exclusive lock file, gets a marker file when
/// complete, and is renamed into place, so concurrent first uses (threads or processes) wait and share one result.
/// The temporary is removed on the way out, also when lem is stopped; what a killed lem left is swept before the next
/// generation (<see cref="TemporaryFiles"/>).
/// </summary>
public sealed class SyntheticModelCache
{
    public const string CompleteMarker = ".lem-synthetic-complete";

    private readonly long _maxShardBytes;

    public string Root { get; }

    public SyntheticModelCache(string root, long maxShardBytes = SafetensorsCheckpointWriter.DefaultMaxShardBytes)
    {
        Root = root;
        _maxShardBytes = maxShardBytes;
    }

    /// <summary>The cache at the default place for this environment.</summary>
    public static SyntheticModelCache Default() => new(DefaultRoot(Environment.GetEnvironmentVariable));

    public static string DefaultRoot(Func<string, string?> getEnv)
    {
        string? lem = getEnv("LEM_CACHE_DIR");
        if (!string.IsNullOrEmpty(lem))
            return Path.Combine(lem, "models");
        string? xdg = getEnv("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg))
            return Path.Combine(xdg, "lem", "models");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lem", "models");
    }

    public static string FolderName(SyntheticPreset preset, long seed) =>
        $"{preset.Arch}-{preset.Name}-seed{seed}-v{SyntheticModelWriter.WriterVersion}";

    /// <summary>The folder of a synthetic model, generated if absent. <paramref name="name"/> as in <see cref="SyntheticPresets.Resolve"/>.</summary>
    /// <exception cref="InferenceException">Unknown preset name, or the cache cannot be written.</exception>
    public string Resolve(string name, long seed = 0)
    {
        var preset = SyntheticPresets.Resolve(name);
        string folder = Path.Combine(Root, FolderName(preset, seed));
        if (IsComplete(folder))
            return folder;

        try
        {
            Directory.CreateDirectory(Root);
            using var lockFile = AcquireLock(folder + ".lock");
            if (IsComplete(folder))
                return folder;
            TemporaryFiles.Sweep(Root); // generations a killed lem left half-written (up to tens of GB for real shapes)
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true); // left incomplete by an interrupted older writer
            // tracked: removed on the way out, also when lem is stopped during a long generation; a killed writer's is swept later
            using (var temp = TemporaryFiles.Track(TemporaryFiles.PathBeside(folder, hidden: false)))
            {
                SyntheticModelWriter.Write(preset, seed, temp.Path, _maxShardBytes);
                File.WriteAllText(Path.Combine(temp.Path, CompleteMarker), $"{preset.Spec} seed {seed} writer v{SyntheticModelWriter.WriterVersion}\n");
                Directory.Move(temp.Path, folder);
            }
            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InferenceException($"synthetic model {preset.Spec} cannot be written to the cache {Root}: {e.Message}. Remedy: free disk space or set LEM_CACHE_DIR to a writable folder.", e);
        }
    }

    private static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, CompleteMarker));

    /// <summary>An exclusive lock (flock on Linux) held while the stream is open; waits for another holder.</summary>
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
