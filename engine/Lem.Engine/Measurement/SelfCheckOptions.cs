namespace Lem.Engine.Measurement;

/// <summary>Settings of <see cref="MeterSelfCheck"/>.</summary>
public sealed record SelfCheckOptions
{
    /// <summary>Length of the measured load window.</summary>
    public TimeSpan LoadDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Load runs this long before the window opens, so that the window sees a steady load (averaged power, as NVML reports it, lags by about a second).</summary>
    public TimeSpan LoadLeadIn { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Load keeps running this long after the window closes.</summary>
    public TimeSpan LoadTail { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan IdleDuration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ShortWindow { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Largest accepted |integrated averaged power − counter| / counter under steady load.</summary>
    public double Tolerance { get; init; } = 0.03;
    /// <summary>
    /// Plausible idle power as a share of the GPU's power limit (the enforced limit the GPU platform reports), so that the check
    /// means the same on any GPU: an H100 at its 700 W limit idles at 70–75 W (10–11%) on one host and 120–122 W
    /// (17%) on another, both plausible; near 0 the counter is suspect, above 20% something else runs on the GPU.
    /// </summary>
    public double IdleMinFractionOfLimit { get; init; } = 0.03;
    public double IdleMaxFractionOfLimit { get; init; } = 0.20;
}
