namespace Lem.Engine.Measurement;

/// <summary>Applies a <see cref="WarmupPolicy"/> to the step latencies of one warm-up, recording how it ended.</summary>
public sealed class WarmupTracker
{
    private readonly WarmupPolicy _policy;
    private readonly List<double> _latencies = [];

    internal WarmupTracker(WarmupPolicy policy)
    {
        _policy = policy;
        if (policy.FixedSteps == 0) Finish("fixed count of 0 steps");
    }

    public bool IsDone { get; private set; }
    public int StepsUsed => _latencies.Count;
    /// <summary>True when the CV rule stopped warm-up (false for fixed counts and for hitting the maximum).</summary>
    public bool Converged { get; private set; }
    /// <summary>CV of the last window when warm-up ended (CV policy only).</summary>
    public double? FinalCv { get; private set; }
    public string StopReason { get; private set; } = "";
    public IReadOnlyList<double> Latencies => _latencies;

    /// <summary>Records one warm-up step's latency; returns true when warm-up is finished.</summary>
    public bool Observe(double latencyMs)
    {
        if (IsDone) throw new InvalidOperationException("Warm-up has already finished; do not run more warm-up steps.");
        if (double.IsNaN(latencyMs) || latencyMs < 0) throw new ArgumentOutOfRangeException(nameof(latencyMs), latencyMs, "a step latency must be a non-negative number.");
        _latencies.Add(latencyMs);
        if (_policy.FixedSteps is { } n)
        {
            if (_latencies.Count >= n) Finish($"fixed count of {n} steps");
            return IsDone;
        }
        if (_latencies.Count >= _policy.Window)
        {
            FinalCv = Cv(_latencies.Skip(_latencies.Count - _policy.Window).ToArray());
            if (FinalCv < _policy.CvThreshold)
            {
                Converged = true;
                Finish($"CV of the last {_policy.Window} step latencies {FinalCv:F4} < {_policy.CvThreshold}");
                return true;
            }
        }
        if (_latencies.Count >= _policy.MaxSteps)
            Finish($"maximum of {_policy.MaxSteps} steps reached without CV < {_policy.CvThreshold} (last CV {FinalCv:F4})");
        return IsDone;
    }

    /// <summary>Sample coefficient of variation: std (n − 1) / mean; infinity for a zero mean.</summary>
    public static double Cv(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        if (mean == 0) return double.PositiveInfinity;
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return Math.Sqrt(variance) / mean;
    }

    private void Finish(string reason)
    {
        IsDone = true;
        StopReason = reason;
    }
}
