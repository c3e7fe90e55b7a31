using System.Text.Json;
using System.Text.Json.Serialization;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Running.Schedules;

/// <summary>What happened at one occurrence of a schedule.</summary>
public enum OccurrenceStatus
{
    /// <summary>Its cycle is running (or lem stopped while it ran: the cycle resumes at the next occurrence).</summary>
    Running,
    Done,
    Failed,

    /// <summary>lem reached it more than the allowed lateness after its time (it was not running, or a cycle ran long).</summary>
    Missed,
}

/// <param name="DueUtc">When the schedule put it.</param>
/// <param name="Cycle">The campaign cycle it ran; null when missed.</param>
/// <param name="Early">True when it ran before its time (lem daemon --now).</param>
public sealed record OccurrenceRecord(
    DateTimeOffset DueUtc,
    OccurrenceStatus Status,
    int? Cycle = null,
    DateTimeOffset? StartedUtc = null,
    DateTimeOffset? EndedUtc = null,
    bool Early = false,
    string? Error = null);

/// <summary>
/// A scheduled campaign's state on disk (<c>RESULTS/schedules/SCRIPT.CAMPAIGN.json</c>), rewritten atomically after every
/// change, so that a daemon that stops and starts again goes on where it was: the occurrences handled so far and the
/// next one. Which cycle an occurrence runs is not kept here: it is the first cycle the run manifest does not record
/// as complete (lem run's resume rules).
/// </summary>
public sealed record ScheduleState(
    string Campaign,
    string Schedule,
    string TimeZone,
    DateTimeOffset? NextUtc,
    IReadOnlyList<OccurrenceRecord> Occurrences)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The state at <paramref name="path"/>, or null when there is none yet.</summary>
    public static ScheduleState? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ScheduleState>(File.ReadAllText(path), Json)
                ?? throw new RunnerException($"schedule state {path} is empty. Remedy: move it away to start the schedule afresh (completed runs are kept).");
        }
        catch (JsonException e)
        {
            throw new RunnerException($"schedule state {path} is not valid JSON ({e.Message}). Remedy: move it away to start the schedule afresh (completed runs are kept).");
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Replace(path, JsonSerializer.Serialize(this, Json));
    }

    /// <summary>The state with <paramref name="occurrence"/> recorded (replacing the entry of the same due time).</summary>
    public ScheduleState With(OccurrenceRecord occurrence) =>
        this with { Occurrences = [.. Occurrences.Where(o => o.DueUtc != occurrence.DueUtc), occurrence] };
}
