namespace Lem.Engine.Measurement;

/// <summary>
/// When warm-up stops: after a fixed number of steps, or once the coefficient of variation of the last
/// <see cref="Window"/> step latencies is below <see cref="CvThreshold"/> (never before <see cref="Window"/> steps,
/// never after <see cref="MaxSteps"/>).
/// </summary>
public sealed record WarmupPolicy
{
    private WarmupPolicy(int? fixedSteps, int window, double cvThreshold, int maxSteps)
    {
        FixedSteps = fixedSteps;
        Window = window;
        CvThreshold = cvThreshold;
        MaxSteps = maxSteps;
    }

    public int? FixedSteps { get; }
    public int Window { get; }
    public double CvThreshold { get; }
    public int MaxSteps { get; }

    public static WarmupPolicy Fixed(int steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "warmup steps must be 0 or more.");
        return new WarmupPolicy(steps, 0, 0, steps);
    }

    /// <param name="window">How many of the latest latencies the CV is computed over (at least 2).</param>
    /// <param name="cvThreshold">Stop when std/mean of the window is below this (e.g. 0.05).</param>
    /// <param name="maxSteps">Stop here even when not stable.</param>
    public static WarmupPolicy UntilStable(int window, double cvThreshold, int maxSteps)
    {
        if (window < 2) throw new ArgumentOutOfRangeException(nameof(window), window, "the CV window needs at least 2 steps.");
        if (cvThreshold <= 0) throw new ArgumentOutOfRangeException(nameof(cvThreshold), cvThreshold, "the CV threshold must be positive.");
        if (maxSteps < window) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"max steps must be at least the window ({window}).");
        return new WarmupPolicy(null, window, cvThreshold, maxSteps);
    }

    public WarmupTracker Start() => new(this);
}
