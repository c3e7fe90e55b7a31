namespace Lem.Engine.Measurement;

/// <summary>Settings of <see cref="MeterSelfCheck"/>; defaults suit an H100 (idle 70–75 W measured on this project's machine).</summary>
public sealed record SelfCheckOptions
{
    public TimeSpan LoadDuration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan IdleDuration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ShortWindow { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Largest accepted |integrated averaged power − counter| / counter under steady load.</summary>
    public double Tolerance { get; init; } = 0.03;
    public double IdleMinW { get; init; } = 40;
    public double IdleMaxW { get; init; } = 120;
}
