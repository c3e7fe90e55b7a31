using System.Globalization;
using System.Text;
using Lem.Engine.Metrics;

namespace Lem.Engine.Measurement;

/// <summary>
/// Throughput of a fixed workload in rounds with and without the GPU sampler running, and whether the difference is
/// within the rounds' noise: Welch's t-test on the per-round throughputs, the difference's confidence interval
/// containing 0.
/// </summary>
public sealed record SamplerThroughputReport(
    string Workload,
    string Unit,
    int Gpus,
    double IntervalMs,
    double CounterSamplePeriodMs,
    IReadOnlyList<ThroughputRound> Rounds,
    double? SamplerThreadCpuMsPerS,
    double Level = 0.95)
{
    public IReadOnlyList<double> Without => Rounds.Where(r => !r.SamplerOn).Select(r => r.WorkPerS).ToArray();

    public IReadOnlyList<double> With => Rounds.Where(r => r.SamplerOn).Select(r => r.WorkPerS).ToArray();

    /// <summary>Mean with − mean without (B − A).</summary>
    public WelchTestResult Test => WelchTest.Compare(Without, With, Level);

    /// <summary>(mean with − mean without) / mean without, in %.</summary>
    public double DifferencePercent => Percent(Test.Difference);

    /// <summary>True when the difference's confidence interval contains 0: no change the rounds can resolve.</summary>
    public bool WithinNoise => Test.DifferenceInterval.Lower <= 0 && Test.DifferenceInterval.Upper >= 0;

    public string Render()
    {
        var test = Test;
        var sb = new StringBuilder();
        sb.Append(F($"throughput with and without the sampler: {Workload}; {Rounds.Count} rounds of {Rounds.Average(r => r.DurationS):F1} s in the order "))
            .Append(string.Concat(Rounds.Select(r => r.SamplerOn ? 'B' : 'A')))
            .Append(F($" (A without, B with the sampler: {Gpus} GPU(s) every {IntervalMs:F0} ms, energy counter every {CounterSamplePeriodMs:F0} ms)\n"));
        foreach (var r in Rounds)
            sb.Append(F($"  round {r.Index}  {(r.SamplerOn ? "with   " : "without")}  {r.WorkPerS:F2} {Unit}/s ({r.Work:0.##} {Unit} in {r.DurationS:F2} s)\n"));
        sb.Append(F($"  without: {Arm(Without)}\n"));
        sb.Append(F($"  with:    {Arm(With)}\n"));
        var ci = test.DifferenceInterval;
        sb.Append(F($"  difference (with - without): {DifferencePercent:+0.00;-0.00;0.00}% ({Level * 100:0}% CI {Percent(ci.Lower):+0.00;-0.00;0.00}% to {Percent(ci.Upper):+0.00;-0.00;0.00}%; Welch t = {test.T:F2}, df = {test.DegreesOfFreedom:F1}, p = {test.PValue:F3}): "))
            .Append(WithinNoise ? "within the rounds' noise" : "outside the rounds' noise: the sampler changes throughput measurably");
        if (SamplerThreadCpuMsPerS is { } cpu) sb.Append(F($"\n  sampler thread CPU during the B rounds: {cpu:F2} ms/s ({cpu / 10:F3}% of one core)"));
        return sb.ToString();
    }

    private double Percent(double difference) => difference / Test.MeanA * 100;

    private string Arm(IReadOnlyList<double> values)
    {
        var mean = Statistics.Mean(values);
        var sd = Statistics.SampleStd(values);
        return F($"mean {mean:F2} {Unit}/s, sd {sd:F2} (CV {sd / mean * 100:F2}%), n = {values.Count}");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
