namespace Lem.Engine.Measurement;

/// <summary>Settings of <see cref="MeterSelfCheck"/>; defaults suit an H100 (idle 70–75 W measured on this project's machine).</summary>
public sealed record SelfCheckOptions
{
    /// <summary>Length of the measured load window.</summary>
    public TimeSpan LoadDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Load runs this long before the window opens, so that the window sees a steady load (NVML's averaged power lags by about a second).</summary>
    public TimeSpan LoadLeadIn { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Load keeps running this long after the window closes.</summary>
    public TimeSpan LoadTail { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan IdleDuration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ShortWindow { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Largest accepted |integrated averaged power − counter| / counter under steady load.</summary>
    public double Tolerance { get; init; } = 0.03;
    public double IdleMinW { get; init; } = 40;
    public double IdleMaxW { get; init; } = 120;
}
