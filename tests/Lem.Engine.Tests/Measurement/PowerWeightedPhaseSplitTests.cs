using Lem.Engine.Measurement;
using Lem.Engine.Meters.Gpu;

namespace Lem.Engine.Tests.Measurement;

public class PowerWeightedPhaseSplitTests
{
    // True power: 100 W before the phase boundary at 4.5 s, 500 W after, over a window of 0–8 s (450 J + 1750 J).
    private const double BoundaryS = 4.5;
    private const double WindowS = 8;
    private const double TotalJ = 100 * BoundaryS + 500 * (WindowS - BoundaryS);

    private static double TrueEnergyJ(double t) => t <= BoundaryS ? 100 * t : 100 * BoundaryS + 500 * (t - BoundaryS);

    // The counter read every second (the slow-read VM), as the sampled series has it: first and last at the window edges.
    private static readonly (double, double)[] CounterEverySecond =
        Enumerable.Range(0, (int)WindowS + 1).Select(i => ((double)i, TrueEnergyJ(i))).ToArray();

    /// <summary>
    /// Instant power every 100 ms from <paramref name="offsetS"/> on, plus the samples taken at the window edges; the
    /// sensor reads 10% low (the counter's total corrects the scale).
    /// </summary>
    private static List<(double, double)> StepSamples(double offsetS)
    {
        static double Sensor(double t) => 0.9 * (t < BoundaryS ? 100 : 500);
        var samples = new List<(double, double)> { (0, Sensor(0)) };
        for (var t = offsetS; t < WindowS; t += 0.1)
            if (t > 0) samples.Add((t, Sensor(t)));
        samples.Add((WindowS, Sensor(WindowS)));
        return samples;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.03)]
    [InlineData(0.05)]
    [InlineData(0.09)]
    public void Power_step_at_the_boundary_is_split_within_a_few_percent(double offsetS)
    {
        var split = PowerWeightedPhaseSplit.Create(StepSamples(offsetS), CounterEverySecond, sampleIntervalMs: 100);
        Assert.NotNull(split);
        var (prefill, decode) = split.Split(0, BoundaryS, WindowS);

        // linear interpolation across the step misplaces at most (500 − 100) W × 0.1 s / 2 = 20 J: under 5% of 450 J
        Assert.InRange(prefill.EnergyJ!.Value, 450 * 0.95, 450 * 1.05);
        Assert.InRange(decode.EnergyJ!.Value, 1750 * 0.95, 1750 * 1.05);
        Assert.Equal(TotalJ, prefill.EnergyJ.Value + decode.EnergyJ.Value, 9);
        Assert.Equal(PhaseEnergyMethod.PowerWeighted, prefill.Method);
        Assert.Equal(100, prefill.ResolutionMs!.Value, 9);
        Assert.False(prefill.LowConfidence);
        Assert.False(decode.LowConfidence);

        // the counter series read every second puts the boundary 0.5 s from a read and misses by far more
        var (counterPrefill, _) = PhaseSplit.Split(CounterEverySecond, 0, BoundaryS, WindowS, updatePeriodMs: 1000);
        Assert.True(Math.Abs(counterPrefill.EnergyJ!.Value - 450) / 450 > 0.2);
    }

    [Fact]
    public void Phases_of_a_span_sum_to_its_counter_energy()
    {
        var split = PowerWeightedPhaseSplit.Create(StepSamples(0.03), CounterEverySecond, 100)!;
        Assert.Equal(TotalJ, split.SpanEnergyJ, 9);
        var parts = new[] { (0.0, 1.234), (1.234, 4.6), (4.6, 4.65), (4.65, 8.0) }.Select(p => split.Phase("p", p.Item1, p.Item2).EnergyJ!.Value);
        Assert.Equal(TotalJ, parts.Sum(), 9);
    }

    [Fact]
    public void Phase_integrals_agree_with_the_window_trapezoid_rule()
    {
        // irregular samples (with a repeated time) over 0.2–9.7 s, phases reaching before the first and after the last
        var random = new Random(7);
        var times = new List<double>();
        for (var t = 0.2; t < 9.7; t += 0.02 + random.NextDouble() * 0.3) times.Add(t);
        times.Insert(10, times[9]);
        var powers = times.Select(_ => 50 + random.NextDouble() * 600).ToArray();
        var counter = new[] { (0.0, 0.0), (10.0, 4000.0) };
        var split = PowerWeightedPhaseSplit.Create(times.Zip(powers).ToArray(), counter, 100)!;
        var windowJ = PowerIntegration.TrapezoidJ(times.ToArray(), powers, 0, 10)!.Value;
        Assert.Equal(windowJ, split.SpanSampledEnergyJ, 6);
        for (var k = 0; k < 200; k++)
        {
            var a = random.NextDouble() * 10;
            var b = a + random.NextDouble() * (10 - a);
            var expected = 4000 * PowerIntegration.TrapezoidJ(times.ToArray(), powers, a, b).GetValueOrDefault() / windowJ;
            Assert.Equal(expected, split.Phase("p", a, b).EnergyJ!.Value, 6);
        }
    }

    [Fact]
    public void Short_phases_are_reported_and_low_confidence()
    {
        // 300 W throughout, sampled every 100 ms; counter 600 J over 2 s
        var power = Enumerable.Range(0, 21).Select(i => (i * 0.1, 300.0)).ToArray();
        var counter = new[] { (0.0, 0.0), (1.0, 300.0), (2.0, 600.0) };
        var split = PowerWeightedPhaseSplit.Create(power, counter, 100)!;

        var (prefill, decode) = split.Split(0.5, 0.65, 2.0);
        Assert.Equal(45.0, prefill.EnergyJ!.Value, 6);
        Assert.True(prefill.LowConfidence);
        Assert.Contains("spans 1.5 power sample intervals (100 ms), fewer than 10", prefill.Note);
        Assert.Equal(405.0, decode.EnergyJ!.Value, 6);
        Assert.False(decode.LowConfidence);

        var tiny = split.Phase("prefill", 1.02, 1.06);
        Assert.Equal(12.0, tiny.EnergyJ!.Value, 6);
        Assert.True(tiny.LowConfidence);
        Assert.Contains("shorter than one power sample interval", tiny.Note);

        var empty = split.Phase("decode", 1.5, 1.5);
        Assert.Equal(0.0, empty.EnergyJ);
        Assert.False(empty.LowConfidence);
    }

    [Fact]
    public void A_gap_in_the_samples_coarsens_the_resolution()
    {
        // the sampler fell behind: no sample between 1.0 s and 1.6 s
        var power = Enumerable.Range(0, 31).Select(i => i * 0.1).Where(t => t <= 1.0 + 1e-9 || t >= 1.6 - 1e-9).Select(t => (t, 200.0)).ToArray();
        var counter = new[] { (0.0, 0.0), (3.0, 600.0) };
        var phase = PowerWeightedPhaseSplit.Create(power, counter, 100)!.Phase("decode", 0.9, 2.4);
        Assert.Equal(300.0, phase.EnergyJ!.Value, 6);
        Assert.Equal(600, phase.ResolutionMs!.Value, 6);
        Assert.True(phase.LowConfidence);
        Assert.Contains("(600 ms)", phase.Note);
    }

    [Fact]
    public void Phase_outside_the_counter_reads_has_no_energy()
    {
        var split = PowerWeightedPhaseSplit.Create(StepSamples(0.03), CounterEverySecond, 100)!;
        Assert.Null(split.Phase("decode", 7.5, 8.5).EnergyJ);
        Assert.Throws<ArgumentException>(() => split.Split(1, 0.5, 2));
    }

    [Fact]
    public void Missing_power_samples_leave_the_split_to_the_counter_series()
    {
        var counter = new[] { (0.0, 0.0), (1.0, 300.0) };
        (double, double)[] two = [(0.0, 300.0), (1.0, 300.0)];
        Assert.Null(PowerWeightedPhaseSplit.Create([], counter, 100));
        Assert.Null(PowerWeightedPhaseSplit.Create([(0.5, 300.0)], counter, 100));
        Assert.Null(PowerWeightedPhaseSplit.Create([(0.0, double.NaN), (1.0, double.NaN)], counter, 100));
        Assert.Null(PowerWeightedPhaseSplit.Create(two, counter, null));
        Assert.Null(PowerWeightedPhaseSplit.Create(two, counter, 0));
        Assert.Null(PowerWeightedPhaseSplit.Create(two, [(0.0, 0.0)], 100));
        Assert.Null(PowerWeightedPhaseSplit.Create([(0.0, 0.0), (1.0, 0.0)], counter, 100));
        Assert.NotNull(PowerWeightedPhaseSplit.Create(two, counter, 100));
    }
}
