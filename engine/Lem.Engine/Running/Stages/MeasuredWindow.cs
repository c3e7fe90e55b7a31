using Lem.Engine.Measurement;
using Lem.Engine.Workload;

namespace Lem.Engine.Running.Stages;

/// <summary>What the measure stage produced for one worker: the meters' window, the workload's records, the window's
/// wall-clock edges, the host span (data mode, worker 0) and the backend's facts as they were before the window.</summary>
public sealed record MeasuredWindow(
    WindowMeasurement Window,
    WorkloadRun Workload,
    DateTimeOffset BeginUtc,
    DateTimeOffset EndUtc,
    double? HostSpanS,
    IReadOnlyDictionary<string, object> FactsBefore);
