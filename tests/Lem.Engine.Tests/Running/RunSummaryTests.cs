using Lem.Engine.Config;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;
using Lem.Engine.Running;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Fakes;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

public class RunSummaryTests
{
    [Fact]
    public void Method_notes_print_as_notes_after_the_warnings()
    {
        var raw = Samples.Raw("r") with
        {
            Warnings =
            [
                new WarningRecord("phase-energy-method", "gpu_prefill_energy_j and gpu_decode_energy_j: apportioned", Kind: WarningKind.Note),
                new WarningRecord("other-processes-busy", "other processes used 30% of the CPU"),
            ],
        };
        var run = new PlannedRun("e", 0, ExperimentConfig.From(V.Set(), TestRegistry.Instance), "/results");

        var lines = RunSummary.Of(run, "r", RunAggregator.Aggregate([raw], RunStatus.Complete), [raw]).Split('\n').Select(l => l.Trim()).ToList();

        var warning = lines.IndexOf("warning: other processes used 30% of the CPU");
        var note = lines.IndexOf("note: gpu_prefill_energy_j and gpu_decode_energy_j: apportioned");
        Assert.True(warning >= 0 && note > warning, string.Join("\n", lines));
        Assert.DoesNotContain(lines, l => l.StartsWith("warning: gpu_prefill", StringComparison.Ordinal));
    }
}
