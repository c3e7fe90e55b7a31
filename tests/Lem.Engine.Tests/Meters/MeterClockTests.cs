using Lem.Engine.Meters;

namespace Lem.Engine.Tests.Meters;

public class MeterClockTests
{
    [Fact]
    public void A_manual_loop_waits_its_interval_after_each_tick_including_what_the_tick_sleeps()
    {
        var clock = new ManualClock(0);
        var ticks = new List<double>();
        using var loop = clock.StartLoop("t", TimeSpan.FromMilliseconds(100), () =>
        {
            ticks.Add(clock.NowS);
            clock.Sleep(TimeSpan.FromMilliseconds(20)); // a slow read inside the tick
        });
        clock.Advance(0.5);
        // ticks at 0.1, then 0.1 + 0.02 + 0.1 = 0.22, 0.34, 0.46; the last tick's sleep moves the clock past the target
        Assert.Equal([0.1, 0.22, 0.34, 0.46], ticks.Select(t => Math.Round(t, 9)));
        Assert.Equal(0.5, clock.NowS, 9);
        loop.Stop();
        clock.Advance(1);
        Assert.Equal(4, ticks.Count);
    }

    [Fact]
    public void Two_manual_loops_tick_in_time_order()
    {
        var clock = new ManualClock(0);
        var log = new List<string>();
        using var a = clock.StartLoop("a", TimeSpan.FromMilliseconds(30), () => log.Add($"a{Math.Round(clock.NowS * 1000)}"));
        using var b = clock.StartLoop("b", TimeSpan.FromMilliseconds(50), () => log.Add($"b{Math.Round(clock.NowS * 1000)}"));
        clock.Advance(0.1);
        Assert.Equal(["a30", "b50", "a60", "a90", "b100"], log);
    }

    [Fact]
    public void The_system_loop_runs_on_a_thread_of_its_own_until_stopped()
    {
        // what is checked here is behaviour, not timing: the real period is checked on hardware (docs/testing.md)
        var ticks = 0;
        var threadIds = new HashSet<int>();
        var loop = MeterClock.System.StartLoop("lem-test-loop", TimeSpan.FromMilliseconds(1), () =>
        {
            lock (threadIds) threadIds.Add(Environment.CurrentManagedThreadId);
            Interlocked.Increment(ref ticks);
        });
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref ticks) >= 3, TimeSpan.FromSeconds(30)), "the loop did not tick");
        loop.Stop();
        var stoppedAt = Volatile.Read(ref ticks);
        loop.Stop(); // a second stop does nothing
        Assert.Equal(stoppedAt, Volatile.Read(ref ticks)); // Stop joined the thread: no tick can follow
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threadIds);
        Assert.Single(threadIds);
        if (OperatingSystem.IsLinux()) Assert.NotNull(loop.CpuS);
    }
}
