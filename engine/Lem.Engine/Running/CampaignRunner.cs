using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running.Locking;

namespace Lem.Engine.Running;

/// <summary>
/// Runs planned runs in the given order (the language expands cycles and order), with gaps between runs and between
/// cycles, so that each runs exactly once across interruptions, kills and processes sharing a results folder:
/// <list type="bullet">
/// <item>The run folders are the truth. A planned run is done when a complete folder (<c>DONE</c>) holds it: its
/// <c>START</c> names the run's key and config hash (folders written before START existed count when the manifest
/// names them). Done runs are skipped unless <see cref="CampaignOptions.Fresh"/>.</item>
/// <item>At start the manifest is reconciled from the folders: a complete folder whose entry is missing is adopted, an
/// entry that says done without a complete folder is not trusted (the run runs again), and a folder left unfinished by
/// a process that has ended is marked interrupted (it never counts).</item>
/// <item>Each run is measured under its claim (<see cref="RunLocks"/>), taken without waiting: a run another process
/// holds is left to it (<see cref="CampaignOutcome.Busy"/>). Under the claim the runner looks again, since another
/// process may have completed the run meanwhile.</item>
/// </list>
/// A failed run (an error, not a stop request) is recorded as failed — its manifest entry says so with the error and the
/// phase, its folder is marked FAILED by the experiment runner (<see cref="RunFailedException"/>) — and the campaign goes
/// on with the next run; the outcome lists the failed runs, and rerunning retries them (they are not complete). A stop request
/// (<paramref name="cancellation"/>: Ctrl-C, SIGTERM) marks the run in progress interrupted and throws
/// <see cref="RunInterruptedException"/>. Rerunning resumes after the completed runs. <paramref name="onStep"/> is
/// called at the boundaries of a run's life (<see cref="RunStep"/>) that the campaign runner owns; the experiment runner
/// calls the others.
/// </summary>
/// <param name="runOne">Runs one planned run, given its config hash (recorded in its START marker).</param>
/// <param name="sleep">The gaps' pause; it must return early when the token is cancelled.</param>
/// <param name="holder">Who this process is, in claims (default: this process, its command line).</param>
public sealed class CampaignRunner(
    Func<PlannedRun, string, RunOutcome> runOne,
    TextWriter? log = null,
    Action<RunStep>? onStep = null,
    CancellationToken cancellation = default,
    Action<TimeSpan, CancellationToken>? sleep = null,
    LockHolder? holder = null)
{
    private readonly Action<TimeSpan, CancellationToken> _sleep = sleep ?? ((pause, token) => token.WaitHandle.WaitOne(pause));
    private readonly LockHolder _holder = holder ?? LockHolder.Current();

    /// <summary>Planned runs of the campaign in progress, and how many of them are done so far (for a stop's message).</summary>
    public int Planned { get; private set; }
    public int Completed { get; private set; }

    public CampaignOutcome Run(IReadOnlyList<PlannedRun> runs, CampaignOptions options, RunManifest manifest)
    {
        Planned = runs.Count;
        Completed = 0;
        var done = new List<ManifestEntry>();
        var busy = new List<(string, string)>();
        var failed = new List<FailedRun>();
        StopIfAsked();
        Reconcile(runs, manifest);
        PlannedRun? previous = null;
        for (var i = 0; i < runs.Count; i++)
        {
            StopIfAsked();
            var run = runs[i];
            var store = StoreOf(run);
            // once per run, before it starts: the manifest and START record the inputs the run read, even if a file changes during it
            var configHash = run.ConfigHash;
            if (!options.Fresh && Skip(run, configHash, store, manifest, i, runs.Count) is { } before)
            {
                Add(done, before);
                continue;
            }
            Pause(previous, run, options);
            using var claim = RunLocks.TryClaim(store.RootFolder, run.Key, _holder);
            if (claim is null)
            {
                var who = RunLocks.Describe(RunLocks.ClaimHolder(store.RootFolder, run.Key));
                log?.WriteLine($"[{i + 1}/{runs.Count}] {run.Key}: being run by {who}; left to it");
                busy.Add((run.Key, who));
                continue;
            }
            // another process may have completed it between the look above and the claim
            if (!options.Fresh && Skip(run, configHash, store, manifest, i, runs.Count) is { } meanwhile)
            {
                Add(done, meanwhile);
                continue;
            }
            MarkUnfinished(store, run, "found unfinished when its planned run started again; the process that wrote it had ended");
            onStep?.Invoke(RunStep.Claimed);
            log?.WriteLine($"[{i + 1}/{runs.Count}] {run.Key}");
            var started = DateTimeOffset.UtcNow;
            manifest.Record(new ManifestEntry(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Running, StartedUtc: started));
            onStep?.Invoke(RunStep.ManifestRunning);
            var known = store.FoldersOf(run.Experiment, run.Cycle).Select(f => f.RunId).ToHashSet(StringComparer.Ordinal);
            RunOutcome outcome;
            try
            {
                outcome = runOne(run, configHash);
            }
            catch (Exception e)
            {
                var stopped = cancellation.IsCancellationRequested;
                // DONE may have been written before the error or the stop: then the run is complete and counts
                var finished = store.FoldersOf(run.Experiment, run.Cycle)
                    .LastOrDefault(f => f.Status == RunStatus.Complete && !known.Contains(f.RunId) && Holds(f, run, configHash));
                if (finished is not null)
                {
                    var entry = DoneEntry(run, configHash, finished.RunId, finished.Folder, started);
                    manifest.Record(entry);
                    Add(done, entry);
                }
                else if (stopped)
                {
                    MarkUnfinished(store, run, "lem was stopped (Ctrl-C or SIGTERM) during the run");
                    manifest.Record(new ManifestEntry(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Interrupted,
                        StartedUtc: started, EndedUtc: DateTimeOffset.UtcNow, Error: "interrupted"));
                }
                else
                {
                    var failure = e as RunFailedException;
                    // a folder the experiment runner did not mark failed (a runner of another kind) never counts either
                    MarkUnfinished(store, run, $"the run failed: {e.Message}");
                    manifest.Record(new ManifestEntry(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Failed, failure?.RunId, failure?.RunFolder,
                        started, DateTimeOffset.UtcNow, e.Message, failure?.Phase));
                    var failedRun = new FailedRun(run.Key, e.Message, failure?.Phase, failure?.RunFolder, failure?.LogsFolder);
                    failed.Add(failedRun);
                    log?.WriteLine($"[{i + 1}/{runs.Count}] failed: {failedRun}; the campaign goes on");
                }
                if (stopped) throw new RunInterruptedException(done.Count, runs.Count, e);
                previous = run;
                continue;
            }
            onStep?.Invoke(RunStep.BeforeManifestDone);
            var doneEntry = DoneEntry(run, configHash, outcome.RunId, outcome.ResultFolder, started);
            manifest.Record(doneEntry);
            Add(done, doneEntry);
            onStep?.Invoke(RunStep.AfterManifestDone);
            previous = run;
        }
        return new CampaignOutcome(done, busy, failed);
    }

    private void Add(List<ManifestEntry> done, ManifestEntry entry)
    {
        done.Add(entry);
        Completed = done.Count;
    }

    private void StopIfAsked()
    {
        if (cancellation.IsCancellationRequested) throw new RunInterruptedException(Completed, Planned);
    }

    private void Pause(PlannedRun? previous, PlannedRun run, CampaignOptions options)
    {
        if (previous is null) return;
        var newCycle = previous.Cycle != run.Cycle;
        var pause = newCycle ? options.CycleGap : options.Gap;
        if (pause <= TimeSpan.Zero) return;
        log?.WriteLine($"pause {pause.TotalSeconds:0.#} s ({(newCycle ? "cycle gap" : "gap")})");
        _sleep(pause, cancellation);
        StopIfAsked();
    }

    /// <summary>The entry of a run done before (adopted into the manifest when it was not there), after saying so; null when it must run.</summary>
    private ManifestEntry? Skip(PlannedRun run, string configHash, ResultStore store, RunManifest manifest, int index, int count)
    {
        if (CompleteFolder(run, configHash, store, manifest) is not { } folder) return null;
        log?.WriteLine($"[{index + 1}/{count}] {run.Key}: done before ({folder.RunId}), skipped");
        var entry = manifest.Find(run.Key);
        return entry is { Status: ManifestStatus.Done } && entry.RunId == folder.RunId && entry.ConfigHash == configHash
            ? entry
            : DoneEntry(run, configHash, folder.RunId, folder.Folder, folder.Start?.StartedUtc);
    }

    /// <summary>
    /// Reconciles the manifest with the run folders before anything runs (see the class summary). A run whose claim
    /// another process holds is that process's to record, and is left alone.
    /// </summary>
    private void Reconcile(IReadOnlyList<PlannedRun> runs, RunManifest manifest)
    {
        foreach (var run in runs.DistinctBy(r => r.Key))
        {
            var store = StoreOf(run);
            var configHash = run.ConfigHash;
            if (!NeedsReconciling(run, configHash, store, manifest)) continue;
            using var claim = RunLocks.TryClaim(store.RootFolder, run.Key, _holder);
            if (claim is null) continue;
            MarkUnfinished(store, run, "found unfinished at the start of a later lem run; the process that wrote it had ended");
            var entry = manifest.Find(run.Key);
            if (CompleteFolder(run, configHash, store, manifest) is { } folder)
            {
                if (entry is { Status: ManifestStatus.Done } && entry.RunId == folder.RunId) continue;
                manifest.Record(DoneEntry(run, configHash, folder.RunId, folder.Folder, folder.Start?.StartedUtc));
                log?.WriteLine($"{run.Key}: complete in {folder.RunId}; its manifest entry was missing or out of date, now adopted");
            }
            else if (entry is { Status: ManifestStatus.Done })
            {
                manifest.Record(entry with { Status = ManifestStatus.Pending, Error = $"no complete run folder holds it (the entry named {entry.RunId ?? "none"}); it runs again" });
                log?.WriteLine($"{run.Key}: the manifest said done but no complete run folder holds it with these inputs; it runs again");
            }
        }
    }

    private static bool NeedsReconciling(PlannedRun run, string configHash, ResultStore store, RunManifest manifest)
    {
        var folders = store.FoldersOf(run.Experiment, run.Cycle);
        if (folders.Any(f => f.Status == RunStatus.Incomplete && f.Start?.RunKey == run.Key)) return true;
        var entry = manifest.Find(run.Key);
        var complete = CompleteFolder(run, configHash, store, manifest);
        return complete is not null
            ? entry is not { Status: ManifestStatus.Done } || entry.RunId != complete.RunId
            : entry is { Status: ManifestStatus.Done };
    }

    /// <summary>Whether a complete run folder holds <paramref name="run"/> with its current inputs: what resume skips (lem daemon asks it of a cycle).</summary>
    public static bool IsComplete(PlannedRun run, RunManifest manifest) => CompleteRunId(run, manifest) is not null;

    /// <summary>The run id of the complete folder that holds <paramref name="run"/> with its current inputs, or null (<c>lem status</c>).</summary>
    public static string? CompleteRunId(PlannedRun run, RunManifest manifest) => CompleteFolder(run, run.ConfigHash, StoreOf(run), manifest)?.RunId;

    /// <summary>
    /// The latest complete folder that holds the run with these inputs: its START says so, or (a folder written before
    /// START existed) the manifest's done entry with the same config hash names it.
    /// </summary>
    private static RunFolderState? CompleteFolder(PlannedRun run, string configHash, ResultStore store, RunManifest manifest)
    {
        var entry = manifest.Find(run.Key);
        return store.FoldersOf(run.Experiment, run.Cycle)
            .Where(f => f.Status == RunStatus.Complete)
            .Where(f => Holds(f, run, configHash)
                || (f.Start is null && entry is { Status: ManifestStatus.Done } && entry.RunId == f.RunId && entry.ConfigHash == configHash))
            .LastOrDefault();
    }

    private static bool Holds(RunFolderState folder, PlannedRun run, string configHash) =>
        folder.Start is { } start && start.RunKey == run.Key && start.ConfigHash == configHash;

    /// <summary>Marks the run's unfinished folders interrupted. Only under the run's claim: then no live process writes them.</summary>
    private void MarkUnfinished(ResultStore store, PlannedRun run, string reason)
    {
        foreach (var folder in store.FoldersOf(run.Experiment, run.Cycle))
        {
            if (folder.Status != RunStatus.Incomplete || folder.Start?.RunKey != run.Key) continue;
            if (store.MarkInterrupted(folder.RunId, reason))
                log?.WriteLine($"{run.Key}: run folder {folder.RunId} (pid {folder.Start.Pid} on {folder.Start.Host}) marked interrupted: {reason}");
        }
    }

    private static ManifestEntry DoneEntry(PlannedRun run, string configHash, string runId, string folder, DateTimeOffset? started) =>
        new(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Done, runId, folder, started, DateTimeOffset.UtcNow);

    /// <summary>results.dir is relative to the working directory (as the experiment runner takes it).</summary>
    private static ResultStore StoreOf(PlannedRun run) => new(Path.GetFullPath(run.Config.ResultsDir));
}
