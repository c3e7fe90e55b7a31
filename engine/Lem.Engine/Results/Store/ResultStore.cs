using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lem.Engine.Meters;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Store;

/// <summary>
/// A results folder: one sub-folder per run (<c>ROOT/RUN_ID/</c>) holding <c>START</c>, written first (which planned
/// run, which process), <c>raw-worker{k}.json</c> per worker, <c>timeseries-worker{k}.csv</c> when series were sampled,
/// and <c>DONE</c>, written last — or <c>INTERRUPTED</c> (stopped, or found unfinished) or <c>FAILED</c> (an error) when
/// the run will never complete. Files are written
/// atomically and never overwritten; run folders are never reused. Summaries are derived from the raw records
/// (late aggregation); <c>aggregated.json</c> is only a cache, rebuilt when the raw files change.
/// </summary>
public sealed class ResultStore
{
    public ResultStore(string rootFolder)
    {
        if (string.IsNullOrWhiteSpace(rootFolder)) throw new ResultsException("the results folder is empty. Remedy: set results.dir to a folder name.");
        RootFolder = Path.GetFullPath(rootFolder);
    }

    public string RootFolder { get; }

    /// <summary>
    /// Creates the results folder when needed and proves that a file can be written there. Call it before a run
    /// starts, so that an unwritable folder fails in a second rather than after the measurement.
    /// </summary>
    public void EnsureWritable()
    {
        if (File.Exists(RootFolder))
            throw new ResultsException($"results folder {RootFolder} is a file, not a folder. Remedy: set results.dir to a folder path (or move the file away).");
        var probe = Path.Combine(RootFolder, $".lem-write-probe-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        try
        {
            Directory.CreateDirectory(RootFolder);
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                stream.WriteByte(0);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ResultsException($"results folder {RootFolder} is not writable ({e.Message}). Remedy: set results.dir (or lem run --results) to a writable folder, or fix its permissions.", e);
        }
    }

    /// <summary>A new run id no folder in this store uses yet (see <see cref="RunIds"/>).</summary>
    public string NewRunId(string experiment, int cycle)
    {
        while (true)
        {
            var id = RunIds.New(experiment, cycle);
            if (!Directory.Exists(Path.Combine(RootFolder, id))) return id;
        }
    }

    /// <summary>
    /// New id and its new folder with its <c>START</c> marker: what the runner calls before it measures.
    /// <paramref name="runKey"/> and <paramref name="configHash"/> name the planned run (see <see cref="StartMarker"/>).
    /// </summary>
    public string BeginRun(string experiment, int cycle, string? runKey = null, string? configHash = null)
    {
        var id = NewRunId(experiment, cycle);
        var folder = CreateRunFolder(id);
        var start = new StartMarker(id, experiment, cycle, runKey, configHash, Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow);
        AtomicFile.WriteNew(Path.Combine(folder, RunFiles.Start), ResultJson.Serialize(start));
        return id;
    }

    /// <summary>Creates the run's folder; an existing folder is an error (a run never overwrites another).</summary>
    public string CreateRunFolder(string runId)
    {
        var folder = RunFolder(runId);
        if (Directory.Exists(folder) || File.Exists(folder))
            throw new ResultsException($"run folder {folder} already exists; a run never overwrites another. Use a new run id (ResultStore.NewRunId).");
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsException($"cannot create run folder {folder} ({e.Message}). Remedy: set results.dir to a writable folder.", e);
        }
        return folder;
    }

    public string RunFolder(string runId)
    {
        if (!RunIds.IsSafe(runId))
            throw new ResultsException($"'{runId}' is not a run id (letters, digits, '.', '_' and '-' only). `lem results list` shows the ids.");
        return Path.Combine(RootFolder, runId);
    }

    /// <summary>
    /// Writes one worker's raw record (and its time series first, when given) into the run's folder, atomically.
    /// The folder must exist (<see cref="BeginRun"/>), the run must not be marked complete, and the worker's record
    /// must not exist yet.
    /// </summary>
    public string WriteRawRecord(RawRecord record, IReadOnlyList<TimeSeriesPoint>? timeSeries = null)
    {
        var folder = RunFolder(record.RunId);
        if (!Directory.Exists(folder))
            throw new ResultsException($"run folder {folder} does not exist. Create it with ResultStore.BeginRun before writing raw records.");
        if (File.Exists(Path.Combine(folder, RunFiles.Done)))
            throw new ResultsException($"run {record.RunId} is already complete (DONE written); raw records cannot be added. Start a new run.");
        if (File.Exists(Path.Combine(folder, RunFiles.Interrupted)) || File.Exists(Path.Combine(folder, RunFiles.Failed)))
            throw new ResultsException($"run {record.RunId} was interrupted or failed (INTERRUPTED or FAILED written); raw records cannot be added. Start a new run.");
        if (record.WorkerCount < 1 || record.WorkerIndex < 0 || record.WorkerIndex >= record.WorkerCount)
            throw new ResultsException($"run {record.RunId}: worker index {record.WorkerIndex} is outside 0..{record.WorkerCount - 1} (worker_count {record.WorkerCount}).");
        if (record.SchemaVersion != RawRecord.CurrentSchemaVersion)
            throw new ResultsException($"run {record.RunId}: raw records are written with schema version {RawRecord.CurrentSchemaVersion}, not {record.SchemaVersion}.");

        if (timeSeries is { Count: > 0 })
            AtomicFile.WriteNew(Path.Combine(folder, RunFiles.TimeSeries(record.WorkerIndex)), TimeSeriesCsv.Format(timeSeries));
        var path = Path.Combine(folder, RunFiles.Raw(record.WorkerIndex));
        AtomicFile.WriteNew(path, ResultJson.Serialize(record));
        return path;
    }

    /// <summary>
    /// Writes the DONE marker after checking that every worker's raw record is there and readable, then refreshes
    /// the aggregated cache. A run without DONE is listed as incomplete.
    /// </summary>
    public DoneMarker MarkComplete(string runId)
    {
        var run = LoadRun(runId);
        if (run.Done is not null) throw new ResultsException($"run {runId} is already complete (DONE written).");
        if (run.Status is RunStatus.Interrupted or RunStatus.Failed)
            throw new ResultsException($"run {runId} was {RunStatusText.Of(run.Status)} ({(run.Status == RunStatus.Failed ? RunFiles.Failed : RunFiles.Interrupted)} written); it can never complete. Start a new run.");
        if (run.Records.Count == 0)
            throw new ResultsException($"run {runId} has no raw record in {run.Folder}; a run is complete only when every worker has written its record.");
        var workerCount = run.Records.Max(r => r.WorkerCount);
        var missing = Enumerable.Range(0, workerCount).Except(run.Records.Select(r => r.WorkerIndex)).ToList();
        if (missing.Count > 0)
            throw new ResultsException($"run {runId}: raw records of worker(s) {string.Join(", ", missing)} of {workerCount} are missing in {run.Folder}; a run is complete only when every worker has written its record.");

        var files = run.Records.Select(r => RunFiles.Raw(r.WorkerIndex))
            .Concat(run.Records.Select(r => RunFiles.TimeSeries(r.WorkerIndex)).Where(f => File.Exists(Path.Combine(run.Folder, f))))
            .ToList();
        var marker = new DoneMarker(runId, workerCount, DateTimeOffset.UtcNow, files);
        AtomicFile.WriteNew(Path.Combine(run.Folder, RunFiles.Done), ResultJson.Serialize(marker));
        TryWriteCache(run.Folder, RunAggregator.Aggregate(run.Records, RunStatus.Complete, Fingerprint(run.Folder)));
        return marker;
    }

    /// <summary>Reads a run's raw records and DONE marker. Temporary files of interrupted writes are ignored.</summary>
    public ResultRun LoadRun(string runId)
    {
        var folder = RunFolder(runId);
        if (!Directory.Exists(folder))
            throw new ResultsException($"no run {runId} in {RootFolder}. `lem results list` shows the runs there.");
        var records = new List<RawRecord>();
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            var worker = RunFiles.RawWorker(Path.GetFileName(path));
            if (worker is null) continue;
            var record = ResultJson.Deserialize<RawRecord>(File.ReadAllText(path), path);
            if (record.WorkerIndex != worker || record.RunId != runId)
                throw new ResultsException($"{path}: holds worker {record.WorkerIndex} of run {record.RunId}, which does not match its file name and folder. Move the file back where it belongs.");
            records.Add(record);
        }
        records.Sort((a, b) => a.WorkerIndex.CompareTo(b.WorkerIndex));
        var donePath = Path.Combine(folder, RunFiles.Done);
        var done = File.Exists(donePath) ? ResultJson.Deserialize<DoneMarker>(File.ReadAllText(donePath), donePath) : null;
        return new ResultRun(runId, folder, StatusOf(folder), records, done, Fingerprint(folder));
    }

    /// <summary>
    /// Writes <c>INTERRUPTED</c> (with <paramref name="reason"/>) into a run folder that has no <c>DONE</c>: the run
    /// will never complete and counts nowhere. False when the run is complete (or already interrupted): nothing is
    /// written. The caller must know that no process still writes the run (it holds the run's claim).
    /// </summary>
    public bool MarkInterrupted(string runId, string reason)
    {
        var folder = RunFolder(runId);
        if (StatusOf(folder) != RunStatus.Incomplete) return false;
        try
        {
            AtomicFile.WriteNew(Path.Combine(folder, RunFiles.Interrupted), ResultJson.Serialize(new InterruptedMarker(runId, reason, DateTimeOffset.UtcNow)));
        }
        catch (ResultsException) when (File.Exists(Path.Combine(folder, RunFiles.Interrupted)))
        {
            return false;
        }
        // DONE and INTERRUPTED never stand together: should DONE have come in between (its writer was alive after all), DONE wins
        return !File.Exists(Path.Combine(folder, RunFiles.Done));
    }

    /// <summary>
    /// Writes <c>FAILED</c> into a run folder that has no <c>DONE</c> (nor <c>INTERRUPTED</c>): the run stopped with an
    /// error in <paramref name="phase"/> and counts nowhere; rerunning the campaign runs it again. False when the run is
    /// complete or already marked: nothing is written. Call it from the process that runs the run (it holds its claim).
    /// </summary>
    public bool MarkFailed(string runId, string phase, string error, IReadOnlyList<string> logs, int completedRequests)
    {
        var folder = RunFolder(runId);
        if (StatusOf(folder) != RunStatus.Incomplete) return false;
        AtomicFile.WriteNew(Path.Combine(folder, RunFiles.Failed),
            ResultJson.Serialize(new FailedMarker(runId, phase, error, logs, completedRequests, DateTimeOffset.UtcNow)));
        return !File.Exists(Path.Combine(folder, RunFiles.Done));
    }

    /// <summary>The run's <c>FAILED</c> marker; null when it has none or it cannot be read.</summary>
    public FailedMarker? ReadFailure(string runId)
    {
        var path = Path.Combine(RunFolder(runId), RunFiles.Failed);
        if (!File.Exists(path)) return null;
        try
        {
            return ResultJson.Deserialize<FailedMarker>(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is ResultsException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The run folders of one experiment and cycle (by the name every run id ends with, then by <c>START</c>), oldest
    /// first, with their status: what resume reconciles the manifest from. Cheap: reads only the small markers.
    /// </summary>
    public IReadOnlyList<RunFolderState> FoldersOf(string experiment, int cycle)
    {
        if (!Directory.Exists(RootFolder)) return [];
        var suffix = string.Create(CultureInfo.InvariantCulture, $"-{RunIds.Sanitise(experiment)}-c{cycle}");
        var found = new List<RunFolderState>();
        foreach (var folder in Directory.EnumerateDirectories(RootFolder).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(folder);
            if (!RunIds.LooksLikeRunId(id) || !id.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var start = ReadStart(folder);
            if (start is not null && (start.Experiment != experiment || start.Cycle != cycle)) continue;
            found.Add(new RunFolderState(id, folder, StatusOf(folder), start));
        }
        return found;
    }

    /// <summary>The run's <c>START</c> marker; null when it has none (written before START existed) or it cannot be read.</summary>
    private static StartMarker? ReadStart(string folder)
    {
        var path = Path.Combine(folder, RunFiles.Start);
        if (!File.Exists(path)) return null;
        try
        {
            return ResultJson.Deserialize<StartMarker>(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is ResultsException or IOException)
        {
            return null;
        }
    }

    /// <summary>Complete with <c>DONE</c>, interrupted with <c>INTERRUPTED</c>, failed with <c>FAILED</c> (and no DONE), otherwise incomplete.</summary>
    private static RunStatus StatusOf(string folder) =>
        File.Exists(Path.Combine(folder, RunFiles.Done)) ? RunStatus.Complete
        : File.Exists(Path.Combine(folder, RunFiles.Interrupted)) ? RunStatus.Interrupted
        : File.Exists(Path.Combine(folder, RunFiles.Failed)) ? RunStatus.Failed
        : RunStatus.Incomplete;

    /// <summary>
    /// The run's aggregated record: from <c>aggregated.json</c> when it is fresh, else derived from the raw records
    /// (and cached again when the run is complete and the folder writable).
    /// </summary>
    public AggregatedRecord Aggregate(string runId)
    {
        var folder = RunFolder(runId);
        var cachePath = Path.Combine(folder, RunFiles.Aggregated);
        if (File.Exists(cachePath) && File.Exists(Path.Combine(folder, RunFiles.Done)))
        {
            try
            {
                var cached = ResultJson.Deserialize<AggregatedRecord>(File.ReadAllText(cachePath), cachePath);
                if (cached.SchemaVersion == RawRecord.CurrentSchemaVersion && cached.SourceFingerprint == Fingerprint(folder) && cached.Status == RunStatus.Complete)
                    return cached;
            }
            catch (ResultsException)
            {
                // A damaged cache is rebuilt from the raw records below.
            }
        }
        var run = LoadRun(runId);
        var aggregated = Aggregate(run);
        if (run.Status == RunStatus.Complete) TryWriteCache(folder, aggregated);
        return aggregated;
    }

    /// <summary>Aggregates a loaded run in memory (no cache involved).</summary>
    public static AggregatedRecord Aggregate(ResultRun run)
    {
        if (run.Records.Count == 0)
            throw new ResultsException($"run {run.RunId} has no raw record in {run.Folder} (interrupted before any worker finished); nothing to show.");
        return RunAggregator.Aggregate(run.Records, run.Status, run.SourceFingerprint);
    }

    /// <summary>Every run folder, sorted by id (that is, by start time); incomplete and unreadable runs included and flagged.</summary>
    public IReadOnlyList<RunEntry> ListRuns()
    {
        if (!Directory.Exists(RootFolder)) return [];
        var entries = new List<RunEntry>();
        foreach (var folder in Directory.EnumerateDirectories(RootFolder).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(folder);
            if (!RunIds.LooksLikeRunId(id)) continue;
            var status = StatusOf(folder);
            try
            {
                entries.Add(new RunEntry(id, folder, status, Aggregate(id), null));
            }
            catch (ResultsException e)
            {
                entries.Add(new RunEntry(id, folder, status, null, e.Message));
            }
        }
        return entries;
    }

    /// <summary>Aggregated records of the runs that could be read, complete ones only unless asked otherwise.</summary>
    public IReadOnlyList<AggregatedRecord> LoadAggregated(bool includeIncomplete = false) =>
        ListRuns().Where(e => e.Record is not null && (includeIncomplete || e.Status == RunStatus.Complete)).Select(e => e.Record!).ToList();

    /// <summary>A full id, or a prefix that matches exactly one run.</summary>
    public string ResolveRunId(string idOrPrefix)
    {
        if (RunIds.IsSafe(idOrPrefix) && Directory.Exists(Path.Combine(RootFolder, idOrPrefix))) return idOrPrefix;
        var matches = Directory.Exists(RootFolder)
            ? Directory.EnumerateDirectories(RootFolder).Select(Path.GetFileName).Where(n => n is not null && RunIds.LooksLikeRunId(n) && n.StartsWith(idOrPrefix, StringComparison.Ordinal)).Select(n => n!).Order(StringComparer.Ordinal).ToList()
            : [];
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ResultsException($"no run '{idOrPrefix}' in {RootFolder}. `lem results list` shows the runs there."),
            _ => throw new ResultsException($"'{idOrPrefix}' matches {matches.Count} runs in {RootFolder} ({string.Join(", ", matches.Take(5))}{(matches.Count > 5 ? ", ..." : "")}); give more of the id."),
        };
    }

    /// <summary>The time series a worker wrote, or an empty list when it wrote none.</summary>
    public IReadOnlyList<TimeSeriesPoint> ReadTimeSeries(string runId, int worker)
    {
        var path = Path.Combine(RunFolder(runId), RunFiles.TimeSeries(worker));
        return File.Exists(path) ? TimeSeriesCsv.Parse(File.ReadAllText(path), path) : [];
    }

    /// <summary>Names, sizes and modification times of the raw files and DONE: changes when any of them changes.</summary>
    private static string Fingerprint(string folder)
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (RunFiles.RawWorker(name) is null && name != RunFiles.Done) continue;
            var info = new FileInfo(path);
            text.Append(CultureInfo.InvariantCulture, $"{name}:{info.Length}:{info.LastWriteTimeUtc.Ticks};");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static void TryWriteCache(string folder, AggregatedRecord record)
    {
        try
        {
            AtomicFile.Replace(Path.Combine(folder, RunFiles.Aggregated), ResultJson.Serialize(record));
        }
        catch (ResultsException)
        {
            // The cache is optional: a read-only results folder is still readable.
        }
    }
}
