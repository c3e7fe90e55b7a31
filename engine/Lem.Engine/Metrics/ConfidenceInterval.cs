namespace Lem.Engine.Metrics;

/// <summary>A two-sided confidence interval of a statistic (the mean unless <see cref="Method"/> says otherwise).</summary>
/// <param name="Level">Coverage, for example 0.95.</param>
/// <param name="Method"><c>student-t</c> or <c>bootstrap-percentile</c>.</param>
public sealed record ConfidenceInterval(double Lower, double Upper, double Level, string Method)
{
    public double HalfWidth => (Upper - Lower) / 2;
}
