using Lem.Engine.Results.Store;
using Lem.Engine.Running;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>Runs that a campaign test "measures" without a backend: a real run folder (START, one raw record, DONE) in the run's results folder.</summary>
internal static class FakeRuns
{
    public static RunOutcome Complete(PlannedRun run, string configHash)
    {
        var store = new ResultStore(Path.GetFullPath(run.Config.ResultsDir));
        store.EnsureWritable();
        var id = store.BeginRun(run.Experiment, run.Cycle, run.Key, configHash);
        store.WriteRawRecord(Samples.Raw(id, experiment: run.Experiment, cycle: run.Cycle));
        store.MarkComplete(id);
        return new RunOutcome(id, store.RunFolder(id), "");
    }
}
