using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Workload.Batching;
using Lem.Engine.Workload.Prompts;
using Lem.Engine.Workload.Traffic;

namespace Lem.Engine.Running.Stages;

/// <summary>Prepares a worker's workload once its model (and tokenizer) is loaded: prompts, their share, batches, arrivals.</summary>
public static class WorkloadStage
{
    public static PreparedWorkload Prepare(RunPlan plan, ILoadedModel model, int worker)
    {
        var run = plan.Run;
        var config = run.Config;
        var promptSet = PromptSources.FromSpec(config.Prompts, run.BaseFolder).Load(model.Tokenizer);
        var prompts = Share(promptSet.Prompts, worker, plan.WorkerCount);
        if (prompts.Count == 0)
            throw new RunnerException($"{run.Experiment}: worker {worker} has no prompts ({promptSet.Prompts.Count} prompts over {plan.WorkerCount} devices). Remedy: use at least as many prompts as devices.");
        var batchPlan = plan.Shape == ExecutionShape.Batch ? Batcher.Plan(prompts, config.Batching) : null;
        var arrivals = config.Traffic.Mode == TrafficMode.Concurrent ? new double[prompts.Count] : ArrivalSchedule.Generate(config.Traffic, prompts.Count);
        var fingerprint = Lem.Engine.Results.Validity.WorkloadFingerprint.Of(promptSet.Prompts.Select(p => (p.Text, p.TokenCount)));
        return new PreparedWorkload(prompts, batchPlan, arrivals, promptSet.Warnings, fingerprint);
    }

    /// <summary>Contiguous shares: worker k gets prompts [k·n/W, (k+1)·n/W) — every prompt runs exactly once.</summary>
    internal static IReadOnlyList<Prompt> Share(IReadOnlyList<Prompt> prompts, int worker, int workers)
    {
        var from = (int)((long)prompts.Count * worker / workers);
        var to = (int)((long)prompts.Count * (worker + 1) / workers);
        return prompts.Skip(from).Take(to - from).ToArray();
    }
}
