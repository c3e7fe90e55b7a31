using Lem.Engine.Config;
using Lem.Engine.Inference;

namespace Lem.Engine.Running.Stages;

/// <summary>
/// What the plan stage decided for one run: the backend module, the model as the module resolved it, the workers
/// (one per device in data mode; else one over all devices) and, per worker, the GPUs its meters cover.
/// </summary>
/// <param name="Model">What <see cref="IBackendModule.ResolveModel"/> returned (a folder, a file, a server model id).</param>
/// <param name="WorkerDevices">The devices each worker's model runs on.</param>
/// <param name="MeteredGpus">The GPUs each worker meters (measurement.gpus, else the devices the backend reports it uses).</param>
public sealed record RunPlan(
    PlannedRun Run,
    IBackendModule Module,
    string Model,
    IReadOnlyList<IReadOnlyList<DeviceSpec>> WorkerDevices,
    IReadOnlyList<IReadOnlyList<DeviceSpec>> MeteredGpus)
{
    public ExperimentConfig Config => Run.Config;
    public int WorkerCount => WorkerDevices.Count;
    public ExecutionShape Shape => Module.Capabilities.Shape;

    /// <summary>How the devices are laid out, for the log: "cuda:0", "cuda:0, cuda:1" (data), "a pipeline over cuda:0+cuda:1",
    /// "a tensor split over cuda:0+cuda:1".</summary>
    public string LayoutText => Config.Parallel.Mode switch
    {
        ParallelMode.Pipeline => $"a pipeline over {string.Join("+", Config.DevicesUsed)}",
        ParallelMode.Tensor => $"a tensor split over {string.Join("+", Config.DevicesUsed)}",
        _ => string.Join(", ", WorkerDevices.SelectMany(d => d)),
    };

    /// <summary>The load request of one worker.</summary>
    public ModelLoadRequest LoadRequest(int worker)
    {
        var devices = WorkerDevices[worker];
        return Config.ToModelLoadRequest(Model) with
        {
            Device = devices[0].ToString(),
            PipelineDevices = Config.Parallel.Mode == ParallelMode.Pipeline ? devices.Select(d => d.ToString()).ToArray() : null,
            TensorDevices = Config.Parallel.Mode == ParallelMode.Tensor ? devices.Select(d => d.ToString()).ToArray() : null,
        };
    }
}
