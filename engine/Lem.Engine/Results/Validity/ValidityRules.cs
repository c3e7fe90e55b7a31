namespace Lem.Engine.Results.Validity;

/// <summary>The thresholds of the validity checks (docs/methodology.md, "Validity verdict").</summary>
public sealed record ValidityRules
{
    /// <summary>Power samples must cover at least this share of the window to pass, and half of it not to fail.</summary>
    public double SampleCoveragePass { get; init; } = 0.9;
    public double SampleCoverageFail { get; init; } = 0.5;

    /// <summary>A gap between power samples longer than this many sample intervals counts as uncovered.</summary>
    public double SampleGapIntervals { get; init; } = 2;

    /// <summary>Mean GPU power may lie this far below the idle baseline (fraction) before a warning; twice as far fails.</summary>
    public double BelowIdleTolerance { get; init; } = 0.10;

    /// <summary>Mean GPU power may exceed the power limit by this fraction before a warning (averaging and sensor error); twice as much fails.</summary>
    public double AboveLimitTolerance { get; init; } = 0.02;

    /// <summary>|integrated averaged power − counter| / counter: pass up to this, warn up to <see cref="CounterAgreementFail"/>.</summary>
    public double CounterAgreementPass { get; init; } = 0.05;
    public double CounterAgreementFail { get; init; } = 0.15;

    /// <summary>Windows shorter than this are not judged on counter agreement (NVML's averaged power lags by about a second).</summary>
    public double CounterAgreementMinWindowS { get; init; } = 5;

    /// <summary>Share of the window at the target number of requests in flight: pass from this, fail below <see cref="SteadyStateFail"/>.</summary>
    public double SteadyStatePass { get; init; } = 0.8;
    public double SteadyStateFail { get; init; } = 0.5;

    /// <summary>Other processes' busy CPU time / the machine's CPU capacity over the window (<c>host_other_cpu_share</c>):
    /// above this, <c>host-contention</c> warns.</summary>
    public double HostContentionWarn { get; init; } = Meters.Host.ProcessMeterOptions.DefaultOtherCpuShareLimit;

    /// <summary>Estimated components may make up at most this share of the total energy before a warning.</summary>
    public double EstimatedShareWarn { get; init; } = 0.5;
}
