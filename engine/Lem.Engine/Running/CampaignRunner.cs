namespace Lem.Engine.Running;

/// <summary>
/// Runs planned runs in the given order (the language expands cycles and order), with gaps between runs and between
/// cycles, recording each in the manifest as it goes. Completed runs are skipped unless <see cref="CampaignOptions.Fresh"/>.
/// A failed run is recorded as failed and stops the campaign (the error is rethrown); rerunning resumes after the
/// completed runs.
/// </summary>
public sealed class CampaignRunner(Func<PlannedRun, RunOutcome> runOne, Func<string, bool> resultComplete, Action<TimeSpan>? sleep = null, TextWriter? log = null)
{
    private readonly Action<TimeSpan> _sleep = sleep ?? Thread.Sleep;

    public IReadOnlyList<ManifestEntry> Run(IReadOnlyList<PlannedRun> runs, CampaignOptions options, RunManifest manifest)
    {
        var done = new List<ManifestEntry>();
        PlannedRun? previous = null;
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            // once per run, before it starts: the manifest records the inputs the run read, even if a file changes during it
            var configHash = run.ConfigHash;
            if (!options.Fresh && manifest.IsCompleted(run.Key, configHash, resultComplete))
            {
                var entry = manifest.Find(run.Key)!;
                log?.WriteLine($"[{i + 1}/{runs.Count}] {run.Key}: done before ({entry.RunId}), skipped");
                done.Add(entry);
                continue;
            }
            if (previous is not null)
            {
                var pause = previous.Cycle != run.Cycle ? options.CycleGap : options.Gap;
                if (pause > TimeSpan.Zero)
                {
                    log?.WriteLine($"pause {pause.TotalSeconds:0.#} s ({(previous.Cycle != run.Cycle ? "cycle gap" : "gap")})");
                    _sleep(pause);
                }
            }
            log?.WriteLine($"[{i + 1}/{runs.Count}] {run.Key}");
            var started = DateTimeOffset.UtcNow;
            manifest.Record(new ManifestEntry(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Running, StartedUtc: started));
            try
            {
                var outcome = runOne(run);
                var entry = new ManifestEntry(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Done,
                    outcome.RunId, outcome.ResultFolder, started, DateTimeOffset.UtcNow);
                manifest.Record(entry);
                done.Add(entry);
            }
            catch (Exception e)
            {
                manifest.Record(new ManifestEntry(run.Key, run.Experiment, run.Cycle, configHash, ManifestStatus.Failed,
                    StartedUtc: started, EndedUtc: DateTimeOffset.UtcNow, Error: e.Message));
                throw;
            }
            previous = run;
        }
        return done;
    }
}
