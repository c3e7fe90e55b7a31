using Lem.Engine.Config;
using Lem.Engine.Inference;
using Lem.Engine.Measurement;
using Lem.Engine.Running;
using Lem.Engine.Tests.Config;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Meters.Estimates;
using Lem.Engine.Tests.Meters.Nvml;
using Lem.Engine.Tests.Meters.Rapl;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>
/// What whole experiments run against in engine tests: one manual clock, a fake NVML GPU at a constant 300 W whose
/// counter updates every 5 ms, a fake /proc and powercap tree, and a results folder; the records are exact.
/// </summary>
internal sealed class RunnerWorld : IDisposable
{
    private readonly FakeProc _proc = new();
    private readonly FakePowercapTree _powercap = new();
    private readonly FakeNvml _nvml;

    public RunnerWorld()
    {
        _proc.CpuInfo("AMD EPYC 7763 64-Core Processor", 1, 4);
        _proc.Stat(100, 900);
        _proc.MemTotalKb(8 * 1024 * 1024);
        _nvml = new FakeNvml(Clock, new FakeGpu("GPU-aaaa", "00000000:1B:00.0", "NVIDIA H200") { PowerW = 300, UpdatePeriodS = 0.005 });
    }

    public ManualClock Clock { get; } = new();
    public TempFolder Results { get; } = new();

    public RunnerServices Services(params IBackendModule[] modules) => Services(_nvml, modules);

    /// <summary>Services metered through <paramref name="nvml"/> instead of the world's one GPU.</summary>
    public RunnerServices Services(FakeNvml nvml, params IBackendModule[] modules) =>
        new(ParameterRegistry.Compose(modules), TextWriter.Null)
        {
            // no sampler thread: the manual clock is advanced by the workload alone
            CreateMeters = options => MeterSet.Create(options with { SampleIntervalMs = 0, PowercapRoot = _powercap.Root, ProcRoot = _proc.Root },
                nvml.Platforms(), _ => null, Clock),
            Clock = Clock,
            CollectEnvironment = _ => EnvironmentInfo.Collect(null),
            BaselineCacheFolder = Path.Combine(Results.Path, "baselines"),
            NewProgressLine = () => new ProgressLine(TextWriter.Null, false),
        };

    /// <summary>A planned run of experiment <paramref name="experiment"/>, cycle <paramref name="cycle"/>, writing to <see cref="Results"/>.</summary>
    public PlannedRun Plan(RunnerServices services, string experiment, int cycle, params (string, ConfigValue)[] values) =>
        new(experiment, cycle, ExperimentConfig.From(V.Set([.. values, ("results.dir", V.Text(Results.Path))]), services.Registry), Results.Path);

    public void Dispose()
    {
        Results.Dispose();
        _proc.Dispose();
        _powercap.Dispose();
    }
}
