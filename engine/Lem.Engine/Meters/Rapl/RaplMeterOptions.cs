namespace Lem.Engine.Meters.Rapl;

/// <summary>Settings of the RAPL meter.</summary>
/// <param name="Root">The powercap folder (default <c>/sys/class/powercap</c>; tests pass a fake tree).</param>
/// <param name="PollInterval">Background poll period; null derives it from the smallest counter range (see <see cref="RaplMeter"/>).</param>
/// <param name="BackgroundPoll">Poll on a background thread during windows (tests turn it off and call <see cref="RaplMeter.Poll"/>).</param>
public sealed record RaplMeterOptions(string Root = RaplMeterOptions.DefaultRoot, TimeSpan? PollInterval = null, bool BackgroundPoll = true)
{
    public const string DefaultRoot = "/sys/class/powercap";

    /// <summary>Highest power a domain is assumed to draw, for choosing a poll interval that sees every wrap.</summary>
    public double AssumedMaxPowerW { get; init; } = 1000;
}
