using System.Text.Json;
using System.Text.Json.Serialization;
using Lem.Engine.Results.Store;
using Lem.Engine.Running.Locking;

namespace Lem.Engine.Running;

/// <summary>
/// The manifest of one <c>run</c> statement of a script: a folder (<c>RESULTS/manifests/SCRIPT.TARGET/</c>) holding one
/// JSON file per planned run (<c>KEY-HASH.json</c>, one <see cref="ManifestEntry"/>), each replaced atomically by the
/// process that holds the run's claim, and merged when read. So processes that share a results folder (parallel
/// <c>lem run --only KEY</c> tasks) each write only their own entries and never lose another's.
/// The manifest is an index, not the truth: a run is done when a complete run folder holds it (see
/// <see cref="CampaignRunner"/>), and the campaign runner reconciles the entries from the run folders at its start.
/// Entries of the single-file manifest written by earlier versions (<c>SCRIPT.TARGET.json</c> beside the folder) are
/// read too, under the per-run files.
/// </summary>
public sealed class RunManifest
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly IReadOnlyList<ManifestEntry> _legacy;

    private RunManifest(string folder, IReadOnlyList<ManifestEntry> legacy)
    {
        Folder = folder;
        _legacy = legacy;
    }

    /// <summary>The folder of per-run entry files.</summary>
    public string Folder { get; }

    /// <summary>Opens the manifest in <paramref name="folder"/> (created on the first entry).</summary>
    public static RunManifest Open(string folder)
    {
        var legacyPath = Path.TrimEndingDirectorySeparator(folder) + ".json";
        if (!File.Exists(legacyPath)) return new RunManifest(folder, []);
        try
        {
            return new RunManifest(folder, JsonSerializer.Deserialize<List<ManifestEntry>>(File.ReadAllText(legacyPath), Json) ?? []);
        }
        catch (JsonException e)
        {
            throw new RunnerException($"run manifest {legacyPath} is not valid JSON ({e.Message}). Remedy: move it away (completed run folders are found without it).");
        }
    }

    /// <summary>Every entry: the per-run files over the older single-file manifest, ordered by key.</summary>
    public IReadOnlyList<ManifestEntry> Entries
    {
        get
        {
            var merged = _legacy.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last());
            if (Directory.Exists(Folder))
            {
                foreach (var path in Directory.EnumerateFiles(Folder, "*.json"))
                    if (Read(path) is { } entry) merged[entry.Key] = entry;
            }
            return merged.Values.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The entry of <paramref name="key"/> as it is on disk now (another process may have written it).</summary>
    public ManifestEntry? Find(string key) =>
        Read(EntryPath(key)) is { } entry && entry.Key == key ? entry : _legacy.LastOrDefault(e => e.Key == key);

    /// <summary>Replaces the entry of <c>entry.Key</c> atomically. Call it while holding the run's claim.</summary>
    public void Record(ManifestEntry entry)
    {
        Directory.CreateDirectory(Folder);
        AtomicFile.Replace(EntryPath(entry.Key), JsonSerializer.Serialize(entry, Json));
    }

    /// <summary>The file of one planned run's entry.</summary>
    public string EntryPath(string key) => Path.Combine(Folder, RunLocks.SafeName(key) + ".json");

    /// <summary>An entry file; null when it is missing or unreadable (the run folders are the truth, so nothing is lost).</summary>
    private static ManifestEntry? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ManifestEntry>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
