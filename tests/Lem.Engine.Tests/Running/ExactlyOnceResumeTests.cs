using Lem.Engine.Config;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Export;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running;
using Lem.Engine.Running.Locking;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>
/// Exactly-once resume: a three-run campaign through the real runners (scripted backend, fake meters, manual clock) is
/// stopped at every boundary of every run's life (<see cref="RunStep"/>), by a fault the step hook throws there — not
/// by timing luck — then resumed; each planned run must then be complete exactly once, in the store, in exports
/// (with superseded runs too) and in the manifest, and no run completed before the stop may run again.
/// A hard kill (kill -9, power loss) is modelled by freezing the results folder as it was at the stop: whatever the
/// runners' clean-up (and the rest of the campaign) wrote after it is thrown away. A soft stop (an error) keeps their
/// clean-up: a fault inside a run fails that run and the campaign goes on; one at a boundary the campaign runner owns
/// stops the campaign.
/// </summary>
public sealed class ExactlyOnceResumeTests : IDisposable
{
    private readonly RunnerWorld _world = new();

    private sealed class InjectedFault(RunStep step) : Exception($"fault injected at {step}");

    public static TheoryData<RunStep, int, bool> KillPoints()
    {
        var points = new TheoryData<RunStep, int, bool>();
        foreach (var step in Enum.GetValues<RunStep>())
            for (var run = 0; run < 3; run++)
                foreach (var hard in new[] { true, false })
                    points.Add(step, run, hard);
        return points;
    }

    private RunnerServices Services() => _world.Services(new ScriptedBatchModule(_world.Clock, TimeSpan.FromMilliseconds(10)));

    private IReadOnlyList<PlannedRun> Campaign(RunnerServices services)
    {
        (string, ConfigValue)[] common = [("max_new_tokens", V.Int(2)), ("min_new_tokens", V.Int(2)), ("prompts", V.Named("synthetic", ("count", V.Int(2)), ("input_tokens", V.Int(4))))];
        return
        [
            _world.Plan(services, "a", 1, common),
            _world.Plan(services, "b", 1, [.. common, ("batching.batch_size", V.Int(2))]),
            _world.Plan(services, "a", 2, common),
        ];
    }

    private RunManifest Manifest() => RunManifest.Open(Path.Combine(_world.Results.Path, "manifests", "camp.c"));

    /// <summary>Runs the campaign; returns the keys measured (each call of the experiment runner).</summary>
    private List<string> RunCampaign(RunnerServices services, IReadOnlyList<PlannedRun> runs, Action<RunStep>? onStep = null, CancellationToken stop = default) =>
        RunCampaign(services, runs, out _, onStep, stop);

    private List<string> RunCampaign(RunnerServices services, IReadOnlyList<PlannedRun> runs, out CampaignOutcome outcome, Action<RunStep>? onStep = null,
        CancellationToken stop = default)
    {
        var measured = new List<string>();
        var withHooks = services with { OnStep = onStep ?? (_ => { }), Cancellation = stop };
        using var runner = new ExperimentRunner(withHooks);
        var campaign = new CampaignRunner((run, hash) =>
        {
            measured.Add(run.Key);
            return runner.Run(run, hash);
        }, onStep: onStep, cancellation: stop);
        outcome = campaign.Run(runs, CampaignOptions.Default, Manifest());
        return measured;
    }

    [Theory]
    [MemberData(nameof(KillPoints))]
    public void A_stop_at_any_boundary_is_resumed_without_repeating_or_losing_a_run(RunStep step, int runIndex, bool hard)
    {
        var services = Services();
        var runs = Campaign(services);
        var seen = 0;
        string? frozen = null;
        void Fault(RunStep at)
        {
            if (at != step || seen++ != runIndex) return;
            if (hard) frozen = Snapshot(_world.Results.Path);
            throw new InjectedFault(at);
        }

        // a fault inside a run fails that run (the campaign goes on); one at the campaign runner's own boundaries stops it
        CampaignOutcome? outcome = null;
        var thrown = Record.Exception(() => RunCampaign(services, runs, out outcome, Fault));
        Assert.True(thrown is InjectedFault || outcome!.Failed.Any(f => f.Error == $"fault injected at {step}") || outcome.Done.Count == runs.Count,
            $"the fault at {step} neither stopped the campaign nor failed a run: {thrown}");
        if (frozen is not null) Restore(frozen, _world.Results.Path);
        var completeBefore = CompleteKeys();
        Assert.Equal(completeBefore.Distinct().Count(), completeBefore.Count);

        var resumed = RunCampaign(services, runs);

        // no run that was complete is measured again, and every other one is measured once
        Assert.Empty(resumed.Intersect(completeBefore));
        Assert.Equal(runs.Select(r => r.Key).Except(completeBefore).Order(), resumed.Order());
        AssertEachPlannedRunOnce(runs);
        // and nothing is left to do
        Assert.Empty(RunCampaign(services, runs));
        AssertEachPlannedRunOnce(runs);
    }

    [Fact]
    public void A_complete_run_whose_manifest_is_lost_is_adopted_and_an_entry_without_a_complete_folder_is_not_trusted()
    {
        var services = Services();
        var runs = Campaign(services);
        RunCampaign(services, runs);
        var store = new ResultStore(_world.Results.Path);
        var lostDone = store.FoldersOf("b", 1).Single();

        Directory.Delete(Manifest().Folder, recursive: true);
        File.Delete(Path.Combine(lostDone.Folder, RunFiles.Done)); // the manifest will say done, its folder is not complete
        Assert.Empty(RunCampaign(services, runs.Where(r => r.Key != "b#cycle1").ToList()));
        Assert.Equal(["a#cycle1", "a#cycle2"], Manifest().Entries.Select(e => e.Key));

        Manifest().Record(new ManifestEntry("b#cycle1", "b", 1, runs[1].ConfigHash, ManifestStatus.Done, lostDone.RunId, lostDone.Folder));
        Assert.Equal(["b#cycle1"], RunCampaign(services, runs));
        AssertEachPlannedRunOnce(runs);
        Assert.Equal(RunStatus.Interrupted, store.FoldersOf("b", 1).Single(f => f.RunId == lostDone.RunId).Status);
    }

    [Fact]
    public void A_stop_request_marks_the_run_in_progress_interrupted_and_says_how_far_the_campaign_got()
    {
        var services = Services();
        var runs = Campaign(services);
        using var stop = new CancellationTokenSource();
        var started = 0;
        void SignalDuringSecondRun(RunStep at)
        {
            if (at == RunStep.FolderCreated && ++started == 2) stop.Cancel();
        }

        var error = Assert.Throws<RunInterruptedException>(() => RunCampaign(services, runs, SignalDuringSecondRun, stop.Token));

        Assert.Equal("interrupted: 1 of 3 runs done; rerun the same command to resume", error.Message);
        Assert.Equal((1, 3), (error.Done, error.Planned));
        var store = new ResultStore(_world.Results.Path);
        var cut = store.FoldersOf("b", 1).Single();
        Assert.Equal(RunStatus.Interrupted, cut.Status);
        Assert.Empty(store.LoadRun(cut.RunId).Records); // stopped before anything was recorded
        Assert.Equal(ManifestStatus.Interrupted, Manifest().Find("b#cycle1")!.Status);
        Assert.Empty(store.FoldersOf("a", 2));

        Assert.Equal(["b#cycle1", "a#cycle2"], RunCampaign(services, runs));
        AssertEachPlannedRunOnce(runs);
    }

    [Fact]
    public void A_run_whose_claim_another_process_holds_is_left_to_it_and_one_it_completed_meanwhile_is_not_repeated()
    {
        var services = Services();
        var runs = Campaign(services);
        var other = LockHolder.Current("lem run camp.lem --only b#cycle1") with { Pid = 4242, Host = "node17" };
        var measured = new List<string>();
        using (var claim = RunLocks.TryClaim(_world.Results.Path, "b#cycle1", other))
        {
            Assert.NotNull(claim);
            using var runner = new ExperimentRunner(services);
            var campaign = new CampaignRunner((run, hash) => { measured.Add(run.Key); return runner.Run(run, hash); },
                // during the pause before a#cycle2, "another process" completes it
                sleep: (_, _) => FakeRuns.Complete(runs[2], runs[2].ConfigHash));
            var outcome = campaign.Run(runs, CampaignOptions.Default with { Gap = TimeSpan.FromSeconds(1) }, Manifest());

            Assert.Equal(["a#cycle1"], measured);
            var busy = Assert.Single(outcome.Busy);
            Assert.Equal("b#cycle1", busy.Key);
            Assert.Contains("pid 4242 on node17", busy.Holder);
            Assert.Contains("--only b#cycle1", busy.Holder);
            Assert.Equal(["a#cycle1", "a#cycle2"], outcome.Done.Select(e => e.Key));
        }
        Assert.Equal(["b#cycle1"], RunCampaign(services, runs));
        AssertEachPlannedRunOnce(runs);
    }

    [Fact]
    public void A_folder_written_before_start_markers_counts_when_the_old_manifest_names_it()
    {
        var services = Services();
        var runs = Campaign(services).Take(1).ToList();
        var store = new ResultStore(_world.Results.Path);
        var id = store.BeginRun("a", 1);
        File.Delete(Path.Combine(store.RunFolder(id), RunFiles.Start));
        store.WriteRawRecord(Samples.Raw(id, experiment: "a", cycle: 1));
        store.MarkComplete(id);
        var legacy = Manifest().Folder + ".json";
        Directory.CreateDirectory(Path.GetDirectoryName(legacy)!);
        File.WriteAllText(legacy, $$"""[{"key": "a#cycle1", "experiment": "a", "cycle": 1, "config_hash": "{{runs[0].ConfigHash}}", "status": "done", "run_id": "{{id}}", "result_folder": "{{store.RunFolder(id)}}"}]""");

        Assert.Empty(RunCampaign(services, runs));
        Assert.Equal(id, Manifest().Find("a#cycle1")!.RunId);
    }

    /// <summary>Each planned run complete exactly once: in the store, in exports with and without superseded runs, in the manifest; every other folder interrupted.</summary>
    private void AssertEachPlannedRunOnce(IReadOnlyList<PlannedRun> runs)
    {
        var planned = runs.Select(r => r.Key).Order().ToList();
        var store = new ResultStore(_world.Results.Path);
        Assert.Equal(planned, CompleteKeys().Order());
        var all = store.LoadAggregated();
        Assert.Equal(planned, all.Select(r => $"{r.Experiment}#cycle{r.Cycle}").Order());
        var selection = Supersession.Select(all);
        Assert.Empty(selection.Superseded);
        Assert.Equal(runs.Count + 1, CsvText.Parse(CsvExporter.Format(all)).Count); // header + one row per planned run
        Assert.All(store.ListRuns().Where(e => e.Status != RunStatus.Complete), e => Assert.Contains(e.Status, new[] { RunStatus.Interrupted, RunStatus.Failed }));
        var entries = Manifest().Entries;
        Assert.Equal(planned, entries.Select(e => e.Key).Order());
        foreach (var entry in entries)
        {
            Assert.Equal(ManifestStatus.Done, entry.Status);
            Assert.Equal(RunStatus.Complete, store.LoadRun(entry.RunId!).Status);
        }
    }

    private List<string> CompleteKeys() =>
        new ResultStore(_world.Results.Path).ListRuns().Where(e => e.Status == RunStatus.Complete)
            .Select(e => $"{e.Record!.Experiment}#cycle{e.Record.Cycle}").ToList();

    private static string Snapshot(string folder)
    {
        var copy = Path.Combine(Path.GetTempPath(), "lem-kill-snapshots", Guid.NewGuid().ToString("N"));
        Copy(folder, copy);
        return copy;
    }

    private static void Restore(string snapshot, string folder)
    {
        Directory.Delete(folder, recursive: true);
        Copy(snapshot, folder);
        Directory.Delete(snapshot, recursive: true);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        // lock files are locked (and hold nothing): a dead process's locks are gone anyway
        foreach (var file in Directory.GetFiles(from).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    public void Dispose() => _world.Dispose();
}
