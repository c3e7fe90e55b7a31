namespace Lem.Engine.Meters.Host;

/// <summary>Settings of the process meter.</summary>
/// <param name="ProcRoot">The proc folder (tests pass a fake one).</param>
/// <param name="Processes">The processes energy is attributed to; null: the lem process.</param>
/// <param name="SampleInterval">How often the resident set is sampled during a window (and a tree's members looked up again, at most once a second).</param>
/// <param name="BackgroundSample">Sample on a background thread (tests turn it off and call <see cref="ProcessMeter.Sample"/>).</param>
public sealed record ProcessMeterOptions(
    string ProcRoot = ProcFolder.DefaultRoot,
    IProcessSet? Processes = null,
    TimeSpan? SampleInterval = null,
    bool BackgroundSample = true)
{
    public static readonly TimeSpan DefaultSampleInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The rest of the machine may use at most this share of its CPU capacity (busy ticks of other processes / all
    /// ticks) during a window before an <c>other-processes-busy</c> warning says the system figures include them.
    /// </summary>
    public double OtherCpuShareLimit { get; init; } = DefaultOtherCpuShareLimit;

    /// <summary>The default of <see cref="OtherCpuShareLimit"/>, also the validity verdict's <c>host-contention</c> threshold.</summary>
    public const double DefaultOtherCpuShareLimit = 0.10;

    /// <summary>CPU time shares resting on fewer ticks than this (per CPU for the window, or of the processes) are low-confidence.</summary>
    public double LowConfidenceTicks { get; init; } = 10;

    /// <summary>Reset VmHWM at the window's start (clear_refs) so that the window's own peak resident set is read at its end.</summary>
    public bool ResetHighWaterMark { get; init; } = true;
}
