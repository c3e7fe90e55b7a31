namespace Lem.Engine.Metrics;

/// <summary>
/// Welch's unequal-variance t-test of the difference of two means, <c>B − A</c>.
/// </summary>
/// <param name="Difference">Mean of B − mean of A.</param>
/// <param name="StandardError">√(s_A²/n_A + s_B²/n_B).</param>
/// <param name="T">Difference / standard error (±∞ when the error is 0 and the means differ, 0 when they do not).</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom (NaN when the standard error is 0).</param>
/// <param name="PValue">Two-sided p-value of "the means are equal".</param>
/// <param name="DifferenceInterval">Confidence interval of the difference.</param>
public sealed record WelchTestResult(
    double MeanA,
    double MeanB,
    double Difference,
    double StandardError,
    double T,
    double DegreesOfFreedom,
    double PValue,
    ConfidenceInterval DifferenceInterval);
