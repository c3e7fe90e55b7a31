using System.Text.Json;

namespace Lem.Engine.Measurement;

/// <summary>Idle baselines cached per GPU UUID as JSON files in a folder, valid for a time-to-live.</summary>
public sealed class IdleBaselineCache(string folder, TimeSpan ttl, Func<DateTimeOffset>? utcNow = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly Func<DateTimeOffset> _now = utcNow ?? (() => DateTimeOffset.UtcNow);

    public string Folder => folder;
    public TimeSpan Ttl => ttl;

    public string PathFor(string gpuUuid) =>
        Path.Combine(folder, "idle-baseline-" + string.Concat(gpuUuid.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_')) + ".json");

    /// <summary>The cached baseline when it exists, parses, and is younger than the TTL; otherwise null.</summary>
    public IdleBaselineFigure? TryGet(string gpuUuid)
    {
        var path = PathFor(gpuUuid);
        if (!File.Exists(path)) return null;
        try
        {
            var figure = JsonSerializer.Deserialize<IdleBaselineFigure>(File.ReadAllText(path), Json);
            if (figure is null || figure.GpuUuid != gpuUuid) return null;
            var age = _now() - figure.MeasuredAtUtc;
            return age >= TimeSpan.Zero && age < ttl ? figure with { FromCache = true } : null;
        }
        catch (JsonException)
        {
            return null; // a damaged cache file is re-measured and overwritten
        }
    }

    public void Store(IdleBaselineFigure figure)
    {
        Directory.CreateDirectory(folder);
        Results.Store.AtomicFile.Replace(PathFor(figure.GpuUuid), JsonSerializer.Serialize(figure with { FromCache = false }, Json));
    }
}
