using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

public class SupersessionTests
{
    private static AggregatedRecord Run(string id, string experiment, int cycle, RunStatus status = RunStatus.Complete) =>
        RunAggregator.Aggregate([Samples.Raw(id, experiment: experiment, cycle: cycle)], status);

    [Fact]
    public void The_latest_complete_run_of_each_experiment_and_cycle_counts_and_the_rest_are_said()
    {
        var selection = Supersession.Select(
        [
            Run("20261125T120000-a-c0", "a", 0),
            Run("20261125T130000-a-c0", "a", 0),  // rerun: supersedes the one above
            Run("20261125T120500-a-c1", "a", 1),
            Run("20261125T140000-a-c1", "a", 1, RunStatus.Incomplete), // never counts, never supersedes
            Run("20261125T120000-b-c0", "b", 0),
        ]);
        Assert.Equal(["20261125T120000-b-c0", "20261125T120500-a-c1", "20261125T130000-a-c0"], selection.Kept.Select(r => r.RunId));
        var superseded = Assert.Single(selection.Superseded);
        Assert.Equal("20261125T120000-a-c0", superseded.Run.RunId);
        Assert.Equal("20261125T130000-a-c0", superseded.SupersededBy);
        Assert.Equal(1, selection.Incomplete);
        var text = selection.Describe()!;
        Assert.Contains("left out 1 superseded run(s)", text);
        Assert.Contains("1 incomplete run(s)", text);
        Assert.Contains(Supersession.Rule, text);
        Assert.Null(Supersession.Select([Run("x-c0", "x", 0)]).Describe());
    }
}
