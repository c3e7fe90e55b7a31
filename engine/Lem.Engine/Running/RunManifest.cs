using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lem.Engine.Running;

/// <summary>
/// The manifest of a script's runs, rewritten atomically after every change so that an interrupted campaign
/// resumes where it stopped: a run whose entry is done, with the same config hash (config values and the contents of
/// its prompt file and model folder, see <see cref="PlannedRun.ConfigHash"/>) and a complete result folder, is not
/// repeated.
/// </summary>
public sealed class RunManifest
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly List<ManifestEntry> _entries;

    private RunManifest(string path, List<ManifestEntry> entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }
    public IReadOnlyList<ManifestEntry> Entries => _entries;

    public static RunManifest OpenOrCreate(string path)
    {
        if (!File.Exists(path)) return new RunManifest(path, []);
        try
        {
            var entries = JsonSerializer.Deserialize<List<ManifestEntry>>(File.ReadAllText(path), Json) ?? [];
            return new RunManifest(path, entries);
        }
        catch (JsonException e)
        {
            throw new RunnerException($"run manifest {path} is not valid JSON ({e.Message}). Remedy: move it away to start the runs afresh (completed result folders stay where they are).");
        }
    }

    public ManifestEntry? Find(string key) => _entries.LastOrDefault(e => e.Key == key);

    /// <summary>True when <paramref name="run"/> completed before with the same config and inputs and its result is complete.</summary>
    public bool IsCompleted(PlannedRun run, Func<string, bool> resultComplete) => IsCompleted(run.Key, run.ConfigHash, resultComplete);

    /// <summary>True when the run <paramref name="key"/> completed before with <paramref name="configHash"/> and its result is complete.</summary>
    public bool IsCompleted(string key, string configHash, Func<string, bool> resultComplete) =>
        Find(key) is { Status: ManifestStatus.Done, ResultFolder: { } folder } entry
        && entry.ConfigHash == configHash
        && resultComplete(folder);

    public void Record(ManifestEntry entry)
    {
        var index = _entries.FindIndex(e => e.Key == entry.Key);
        if (index >= 0) _entries[index] = entry;
        else _entries.Add(entry);
        Save();
    }

    private void Save()
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(folder);
        var temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, _entries, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
    }
}
