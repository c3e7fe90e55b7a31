namespace Lem.Engine.Metrics;

/// <summary>
/// Descriptive statistics of a sample (for example one metric over the cycles of an experiment).
/// <see cref="Std"/> is the sample standard deviation (divisor n − 1); <see cref="Cv"/> = Std / |Mean|.
/// With fewer than two values there is no spread and no interval: those fields are null and
/// <see cref="NoIntervalReason"/> says why. <see cref="Median"/>, <see cref="P5"/> and <see cref="P95"/> are percentiles
/// of the values themselves (linear interpolation, <see cref="Percentiles"/>), not intervals of the mean.
/// </summary>
public sealed record StatisticsSummary(
    int Count,
    double Mean,
    double? Std,
    double? Cv,
    double Min,
    double Max,
    ConfidenceInterval? StudentT,
    ConfidenceInterval? Bootstrap,
    string? NoIntervalReason,
    double? Median = null,
    double? P5 = null,
    double? P95 = null);
