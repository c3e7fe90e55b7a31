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

    /// <summary>
    /// The counters' update period in ms; null measures it when the meter opens (polling a package counter for at most
    /// <see cref="UpdatePeriodProbe"/> until it has changed a few times) and otherwise assumes
    /// <see cref="AssumedUpdatePeriodMs"/>.
    /// </summary>
    public double? UpdatePeriodMs { get; init; }

    /// <summary>How long the update period is probed for when the meter opens.</summary>
    public TimeSpan UpdatePeriodProbe { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Intel documents that the energy status counters update about every millisecond.</summary>
    public const double AssumedUpdatePeriodMs = 1;

    /// <summary>A window spanning fewer counter updates than this is low-confidence.</summary>
    public double LowConfidenceUpdates { get; init; } = 10;
}
