namespace Lem.Engine.Meters.Gpu;

/// <summary>
/// The outcome of starting the first of a list of GPU platforms whose library starts (as Zeus tries NVML, then AMD
/// SMI): the platform that started, or why none did. The caller shuts a started platform down.
/// </summary>
public sealed class GpuPlatformStart
{
    private readonly IReadOnlyList<(IGpuPlatform Platform, GpuPlatformFailure Failure)> _failures;

    private GpuPlatformStart(IGpuPlatform? started, IReadOnlyList<(IGpuPlatform, GpuPlatformFailure)> failures)
    {
        Started = started;
        _failures = failures;
    }

    /// <summary>The platform that started; null when none did.</summary>
    public IGpuPlatform? Started { get; }

    /// <summary>Why no platform started, with remedies (for the meter's health); empty when one did.</summary>
    public string Reason => Join(f => f.Reason, " ");

    /// <summary>Why no platform started, in the libraries' own words (for the environment record).</summary>
    public string Brief => Join(f => f.Brief, "; ");

    /// <summary>Tries <paramref name="platforms"/> in order and stops at the first that starts.</summary>
    public static GpuPlatformStart First(IReadOnlyList<IGpuPlatform> platforms)
    {
        if (platforms.Count == 0) throw new ArgumentException("At least one GPU platform is needed.", nameof(platforms));
        var failures = new List<(IGpuPlatform, GpuPlatformFailure)>();
        foreach (var platform in platforms)
        {
            var failure = platform.Start();
            if (failure is null) return new GpuPlatformStart(platform, failures);
            failures.Add((platform, failure));
        }
        return new GpuPlatformStart(null, failures);
    }

    // one platform's words as they are; several each after its name
    private string Join(Func<GpuPlatformFailure, string> text, string separator) =>
        _failures.Count == 1 ? text(_failures[0].Failure)
            : string.Join(separator, _failures.Select(f => $"{f.Platform.MeterName}: {text(f.Failure)}"));
}
