using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// First stage: picks the run's backend module, has it resolve the model (a synthetic model is written in the
/// backend's format here, outside any window), lays out the workers and decides which GPUs each one meters.
/// </summary>
public static class PlanStage
{
    public static RunPlan Plan(PlannedRun run, RunnerServices services)
    {
        var config = run.Config;
        var module = services.Module(config.Backend);
        string model;
        try
        {
            model = module.ResolveModel(config.Model, run.BaseFolder);
        }
        catch (InferenceException e)
        {
            throw new RunnerException($"{run.Experiment}: model = {config.Model}: {e.Message}", e);
        }
        IReadOnlyList<IReadOnlyList<DeviceSpec>> workers = config.Parallel.Mode == ParallelMode.Data
            ? config.DevicesUsed.Select(d => (IReadOnlyList<DeviceSpec>)[d]).ToArray()
            : [config.DevicesUsed];
        IReadOnlyList<IReadOnlyList<DeviceSpec>> metered = config.Parallel.Mode == ParallelMode.Data
            ? workers.Select(Gpus).ToArray()
            : [Gpus(config.Measurement.Gpus ?? module.DevicesUsed(config))];
        return new RunPlan(run, module, model, workers, metered);
    }

    private static IReadOnlyList<DeviceSpec> Gpus(IReadOnlyList<DeviceSpec> devices) => devices.Where(d => d.IsCuda).Distinct().ToArray();
}
