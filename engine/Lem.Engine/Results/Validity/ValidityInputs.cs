using Lem.Engine.Meters;

namespace Lem.Engine.Results.Validity;

/// <summary>What the runner knows beside the record when it judges it.</summary>
/// <param name="TimeSeries">The window's sampled series (the record's time series file); power is taken from
/// <c>gpuN_instant_power_w</c>, else <c>gpuN_avg_power_w</c>.</param>
/// <param name="SampleIntervalMs">The GPU power sampler's interval; null reads <c>measurement.sample_interval</c> from the record's config.</param>
/// <param name="TargetInFlight">Requests meant to be in flight at steady state, judged; null takes the target from the
/// record (<see cref="SteadyStateTarget"/>), which leaves open-loop traffic without a cap unjudged.</param>
public sealed record ValidityInputs(
    IReadOnlyList<TimeSeriesPoint>? TimeSeries = null,
    double? SampleIntervalMs = null,
    int? TargetInFlight = null);
