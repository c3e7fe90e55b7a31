using Lem.Engine.Measurement;

namespace Lem.Engine.Tests.Measurement;

public class PhaseSplitTests
{
    // 100 W, counter sampled every 0.1 s from 0 to 3 s.
    private static readonly (double, double)[] Series = Enumerable.Range(0, 31).Select(i => (i * 0.1, i * 0.1 * 100)).ToArray();

    [Fact]
    public void Split_at_first_token()
    {
        var (prefill, decode) = PhaseSplit.Split(Series, 0, 0.55, 3.0, updatePeriodMs: 100);
        Assert.Equal(55.0, prefill.EnergyJ!.Value, 9);
        Assert.Equal(245.0, decode.EnergyJ!.Value, 9);
        Assert.True(prefill.LowConfidence); // 5.5 updates
        Assert.False(decode.LowConfidence); // 24.5 updates
        Assert.Equal(0.55, prefill.DurationS, 9);
    }

    [Fact]
    public void Phase_shorter_than_a_period_has_no_energy()
    {
        var p = PhaseSplit.Phase("prefill", Series, 1.0, 1.05, 100);
        Assert.Null(p.EnergyJ);
        Assert.Contains("shorter than one counter update", p.Note);
    }

    [Fact]
    public void Phase_outside_the_series_has_no_energy()
    {
        Assert.Null(PhaseSplit.Phase("decode", Series, 2.5, 3.5, 100).EnergyJ);
        Assert.Throws<ArgumentException>(() => PhaseSplit.Split(Series, 1, 0.5, 2, 100));
    }
}
