using Lem.Engine.Measurement;

namespace Lem.Engine.Tests.Measurement;

public class WarmupPolicyTests
{
    private static WarmupTracker Feed(WarmupPolicy policy, IEnumerable<double> series)
    {
        var tracker = policy.Start();
        foreach (var x in series)
        {
            if (tracker.IsDone) break;
            tracker.Observe(x);
        }
        return tracker;
    }

    [Fact]
    public void Fixed_count_stops_after_that_many_steps()
    {
        var t = Feed(WarmupPolicy.Fixed(3), [10, 10, 10, 10, 10]);
        Assert.Equal(3, t.StepsUsed);
        Assert.False(t.Converged);
        Assert.True(WarmupPolicy.Fixed(0).Start().IsDone);
        Assert.Throws<InvalidOperationException>(() => t.Observe(1));
    }

    [Fact]
    public void Cv_rule_stops_when_the_last_window_is_stable()
    {
        // Cold start, then settling around 50 ms.
        double[] series = [200, 120, 80, 60, 52, 50, 51, 49, 50, 50, 50];
        var t = Feed(WarmupPolicy.UntilStable(window: 4, cvThreshold: 0.02, maxSteps: 20), series);
        Assert.True(t.Converged);
        Assert.Equal(9, t.StepsUsed); // steps 5-8 [52, 50, 51, 49]: CV 0.0256; steps 6-9 [50, 51, 49, 50]: CV 0.0163
        Assert.True(t.FinalCv < 0.02);
        Assert.Contains("CV of the last 4", t.StopReason);
    }

    [Fact]
    public void Cv_rule_gives_up_at_the_maximum_and_says_so()
    {
        var noisy = Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? 10.0 : 100.0);
        var t = Feed(WarmupPolicy.UntilStable(3, 0.05, 12), noisy);
        Assert.Equal(12, t.StepsUsed);
        Assert.False(t.Converged);
        Assert.Contains("maximum of 12", t.StopReason);
    }

    [Fact]
    public void Cv_is_sample_standard_deviation_over_mean()
    {
        Assert.Equal(0.5, WarmupTracker.Cv([1, 2, 3]), 12); // mean 2, sample variance 1
    }

    [Fact]
    public void Bad_settings_are_refused_with_the_reason()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPolicy.UntilStable(1, 0.05, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPolicy.UntilStable(5, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPolicy.UntilStable(5, 0.05, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPolicy.Fixed(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPolicy.Fixed(2).Start().Observe(double.NaN));
    }
}
