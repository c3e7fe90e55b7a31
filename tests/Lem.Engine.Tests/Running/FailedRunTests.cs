using System.Text.Json;
using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Running;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>
/// A run that fails with an error does not stop its campaign: the failed run is recorded (FAILED with its phase and
/// error, the requests completed before the error, the manifest entry), its model is released, the other runs run,
/// and a rerun retries only the failed one.
/// </summary>
public sealed class FailedRunTests : IDisposable
{
    private readonly RunnerWorld _world = new();

    private RunManifest Manifest() => RunManifest.Open(Path.Combine(_world.Results.Path, "manifests", "camp.c"));

    /// <summary>Three runs with their own model (scripted.step_ms tells the loads apart); b's model dies at its 3rd batch
    /// (1 warm-up batch, the first measured batch of 2 requests completes, the second fails) unless <paramref name="bFails"/> is false.</summary>
    private (ScriptedBatchModule Module, RunnerServices Services, IReadOnlyList<PlannedRun> Runs) Campaign(bool bFails = true)
    {
        var module = new ScriptedBatchModule(_world.Clock, TimeSpan.FromMilliseconds(10))
        {
            FailsAtCall = load => bFails && load.Option(ScriptedBatchModule.Steps, 0.0) == 2.0 ? 3 : null,
        };
        var services = _world.Services(module);
        (string, ConfigValue)[] common =
        [
            ("max_new_tokens", V.Int(2)), ("min_new_tokens", V.Int(2)), ("warmup.count", V.Int(1)), ("batching.batch_size", V.Int(2)),
            ("prompts", V.Named("synthetic", ("count", V.Int(4)), ("input_tokens", V.Int(4)))),
        ];
        return (module, services,
        [
            _world.Plan(services, "a", 1, [.. common, (ScriptedBatchModule.Steps, V.Dec(1.0))]),
            _world.Plan(services, "b", 1, [.. common, (ScriptedBatchModule.Steps, V.Dec(2.0))]),
            _world.Plan(services, "c", 1, [.. common, (ScriptedBatchModule.Steps, V.Dec(3.0))]),
        ]);
    }

    private CampaignOutcome RunCampaign(RunnerServices services, IReadOnlyList<PlannedRun> runs, List<string>? measured = null)
    {
        using var runner = new ExperimentRunner(services);
        var campaign = new CampaignRunner((run, hash) =>
        {
            measured?.Add(run.Key);
            return runner.Run(run, hash);
        });
        return campaign.Run(runs, CampaignOptions.Default, Manifest());
    }

    [Fact]
    public void A_failed_run_is_recorded_and_the_campaign_goes_on_with_the_next()
    {
        var (module, services, runs) = Campaign();

        var outcome = RunCampaign(services, runs);

        Assert.Equal(["a#cycle1", "c#cycle1"], outcome.Done.Select(e => e.Key));
        var failed = Assert.Single(outcome.Failed);
        Assert.Equal("b#cycle1", failed.Key);
        Assert.Equal("measure", failed.Phase);
        Assert.Equal("the fake backend died (scripted failure)", failed.Error);

        // the failed run's folder: FAILED with the phase and the error, and the requests completed before it
        var store = new ResultStore(_world.Results.Path);
        var folder = Assert.Single(store.FoldersOf("b", 1));
        Assert.Equal(RunStatus.Failed, folder.Status);
        Assert.Equal(folder.Folder, failed.RunFolder);
        var marker = store.ReadFailure(folder.RunId)!;
        Assert.Equal(("measure", "the fake backend died (scripted failure)", 2), (marker.Phase, marker.Error, marker.CompletedRequests));
        using (var completed = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Folder, RunFiles.CompletedRequests(0)))))
            Assert.Equal(2, completed.RootElement.GetArrayLength());
        Assert.Empty(store.LoadRun(folder.RunId).Records);

        // the manifest says so; the other runs are complete
        var entry = Manifest().Find("b#cycle1")!;
        Assert.Equal((ManifestStatus.Failed, "measure", folder.RunId), (entry.Status, entry.Phase, entry.RunId));
        Assert.Equal(failed.Error, entry.Error);
        Assert.All(Manifest().Entries.Where(e => e.Key != "b#cycle1"), e => Assert.Equal(ManifestStatus.Done, e.Status));
        Assert.Equal(RunStatus.Complete, store.FoldersOf("c", 1).Single().Status);

        // the failed run's model was released, and c loaded its own
        Assert.Equal(3, module.Models.Count);
        Assert.True(module.Models[1].Disposed);
    }

    [Fact]
    public void A_rerun_retries_only_the_failed_run()
    {
        var (_, services, runs) = Campaign();
        RunCampaign(services, runs);

        var (_, healthy, again) = Campaign(bFails: false);
        var measured = new List<string>();
        var outcome = RunCampaign(healthy, again, measured);

        Assert.Equal(["b#cycle1"], measured);
        Assert.Empty(outcome.Failed);
        Assert.Equal(ManifestStatus.Done, Manifest().Find("b#cycle1")!.Status);
        var store = new ResultStore(_world.Results.Path);
        Assert.Equal([RunStatus.Failed, RunStatus.Complete], store.FoldersOf("b", 1).Select(f => f.Status));
        // a failed folder never counts
        Assert.Equal(3, store.LoadAggregated().Count);
    }

    [Fact]
    public void A_failure_before_the_run_folder_exists_is_recorded_in_the_manifest_with_its_phase()
    {
        var (_, services, runs) = Campaign(bFails: false);
        var broken = _world.Plan(services, "b", 1, ("model", V.Text(ScriptedBatchModule.Unresolvable)));

        var outcome = RunCampaign(services, [runs[0], broken, runs[2]]);

        var failed = Assert.Single(outcome.Failed);
        Assert.Equal(("b#cycle1", "plan", null), (failed.Key, failed.Phase, failed.RunFolder));
        Assert.Contains("cannot be resolved (scripted)", failed.Error);
        Assert.Equal((ManifestStatus.Failed, "plan"), (Manifest().Find("b#cycle1")!.Status, Manifest().Find("b#cycle1")!.Phase));
        Assert.Empty(new ResultStore(_world.Results.Path).FoldersOf("b", 1));
        Assert.Equal(2, outcome.Done.Count);
    }

    [Fact]
    public void A_load_that_fails_keeps_the_logs_its_error_names_in_the_run_folder()
    {
        // a launched server that exits before it is ready: no model was loaded to name its log, the error does
        using var logs = new TempFolder();
        var serverLog = Path.Combine(logs.Path, "server-7.log");
        File.WriteAllText(serverLog, "starting\nerror: out of memory\n");
        var module = new ScriptedBatchModule(_world.Clock, TimeSpan.FromMilliseconds(10))
        {
            FailsAtLoad = _ => new InferenceException("the server exited with code 1 before it was ready.") { LogFiles = [serverLog] },
        };
        var services = _world.Services(module);
        var run = _world.Plan(services, "a", 1, ("max_new_tokens", V.Int(2)), ("prompts", V.Named("synthetic", ("count", V.Int(2)), ("input_tokens", V.Int(4)))));

        var failed = Assert.Single(RunCampaign(services, [run]).Failed);

        Assert.Equal("load", failed.Phase);
        var store = new ResultStore(_world.Results.Path);
        var folder = Assert.Single(store.FoldersOf("a", 1)).Folder;
        Assert.Equal(["logs/server-7.log"], store.ReadFailure(Path.GetFileName(folder))!.Logs);
        Assert.Equal("starting\nerror: out of memory\n", File.ReadAllText(Path.Combine(folder, RunFiles.Logs, "server-7.log")));
    }

    public void Dispose() => _world.Dispose();
}
