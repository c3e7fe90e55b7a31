using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Running;

/// <summary>
/// The runner's collaborators, passed in: the composed registry (and through it the backend modules), where progress
/// goes, and — replaceable in tests — how meters are made, the clock, the environment reading, the baseline cache,
/// the results store and the carbon intensity lookup.
/// </summary>
/// <param name="Registry">The parameter registry composed from the core parameters and the backend modules.</param>
/// <param name="Log">Where progress and summaries go (stderr for the CLI).</param>
public sealed record RunnerServices(ParameterRegistry Registry, TextWriter Log)
{
    /// <summary>Builds an experiment's meters (a GPU meter for the metered GPUs, RAPL or estimates for the host).</summary>
    public Func<MeterOptions, MeterSet> CreateMeters { get; init; } = options => MeterSet.Create(options);

    /// <summary>Time for the workload schedulers and the windows.</summary>
    public MeterClock Clock { get; init; } = MeterClock.System;

    /// <summary>The environment stored with every record (argument: whether GPUs are metered, so the GPU platforms are asked).</summary>
    public Func<bool, EnvironmentInfo> CollectEnvironment { get; init; } = withGpus => EnvironmentInfo.Collect(withGpus ? GpuPlatforms.Installed() : null);

    /// <summary>Where measured idle baselines are cached.</summary>
    public string BaselineCacheFolder { get; init; } = Path.Combine(LemPaths.CacheRoot(), "baselines");

    /// <summary>The results store for a folder (the experiment's results.dir, made absolute).</summary>
    public Func<string, ResultStore> CreateStore { get; init; } = folder => new ResultStore(folder);

    /// <summary>
    /// The grid carbon intensity for the experiment's carbon settings, looked up when a worker's record is built: the
    /// configured value, the live API when its token variable is set, the built-in table (<see cref="CarbonIntensityResolver"/>).
    /// </summary>
    public Func<CarbonSettings, CarbonIntensity> ResolveCarbon { get; init; } =
        settings => CarbonIntensityResolver.ResolveAsync(settings, Environment.GetEnvironmentVariable).GetAwaiter().GetResult();

    /// <summary>A live progress line (redrawn in place on a terminal).</summary>
    public Func<ProgressLine> NewProgressLine { get; init; } = ProgressLine.ForConsole;

    /// <summary>A stop request (Ctrl-C, SIGTERM): the run stops at its next step, decode step or request, unrecorded.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// This process runs one planned run of a cold-start campaign (<c>cold_start = true</c>: a fresh lem process per
    /// run, its model loaded for it): recorded in each record's environment (<c>cold_start</c>).
    /// </summary>
    public bool ColdStart { get; init; }

    /// <summary>Called at each boundary of a run's life that the experiment runner owns (<see cref="RunStep"/>); fault-injection tests stop there.</summary>
    public Action<RunStep> OnStep { get; init; } = _ => { };

    public IBackendModule Module(string name) =>
        Registry.Module(name)
        ?? throw new RunnerException($"backend '{name}' is not available in this build of lem (available: {string.Join(", ", Registry.Modules.Select(m => m.Name))}). Remedy: set backend to one of those.");
}
