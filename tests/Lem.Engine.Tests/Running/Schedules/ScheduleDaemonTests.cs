using Lem.Engine.Running;
using Lem.Engine.Running.Schedules;
using Lem.Engine.Tests.Meters;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running.Schedules;

/// <summary>
/// The schedule daemon on a manual clock (days pass in no time, exactly), in UTC, with a campaign whose cycles are
/// "complete" once run (as the run manifest would say).
/// </summary>
public sealed class ScheduleDaemonTests : IDisposable
{
    private static readonly DateTimeOffset Day1At0100 = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new();
    private readonly TempFolder _temp = new();
    private readonly WallClock _wall;
    private readonly StringWriter _log = new();
    private readonly HashSet<int> _complete = [];
    private readonly List<(int Cycle, DateTimeOffset At)> _ran = [];

    public ScheduleDaemonTests() => _wall = WallClock.On(_clock, Day1At0100);

    private string StatePath => Path.Combine(_temp.Path, "schedules", "paper.nightly.json");

    private ScheduledCampaign Campaign(int cycles, string schedule = "0 2 * * *", Func<int, bool>? fail = null) =>
        new("nightly", CronSchedule.Parse(schedule), cycles, StatePath, _complete.Contains, cycle =>
        {
            _ran.Add((cycle, _wall.UtcNow));
            if (fail?.Invoke(cycle) == true) throw new RunnerException("the GPU is busy");
            _clock.Advance(TimeSpan.FromMinutes(20)); // a cycle takes 20 minutes
            _complete.Add(cycle);
        });

    private ScheduleDaemon Daemon(TimeSpan? maxLate = null) => new(_wall, TimeZoneInfo.Utc, maxLate ?? TimeSpan.FromHours(1), _log);

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 12, 6 + day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Each_occurrence_runs_the_next_cycle_until_every_cycle_has_run()
    {
        Assert.True(Daemon().Run([Campaign(3)], DaemonMode.UntilComplete));

        Assert.Equal([(1, At(1, 2)), (2, At(2, 2)), (3, At(3, 2))], _ran);
        var state = ScheduleState.Load(StatePath)!;
        Assert.Equal([OccurrenceStatus.Done, OccurrenceStatus.Done, OccurrenceStatus.Done], state.Occurrences.Select(o => o.Status));
        Assert.Equal([1, 2, 3], state.Occurrences.Select(o => o.Cycle!.Value));
        Assert.Equal(At(1, 2, 20), state.Occurrences[0].EndedUtc);
        Assert.Contains("every cycle has run (3 of 3)", _log.ToString());
    }

    [Fact]
    public void A_restarted_daemon_goes_on_from_the_state_on_disk()
    {
        // first start, an hour early: nothing is due, the next occurrence is kept on disk
        Assert.True(Daemon().Run([Campaign(2)], DaemonMode.Once));
        Assert.Empty(_ran);
        Assert.Equal(At(1, 2), ScheduleState.Load(StatePath)!.NextUtc);
        Assert.Contains("nothing due; next occurrence 2026-12-07 02:00:00 +00:00 (cycle 1 of 2)", _log.ToString());

        _clock.Advance(TimeSpan.FromMinutes(61)); // 02:01
        Assert.True(Daemon().Run([Campaign(2)], DaemonMode.Once));
        _clock.Advance(TimeSpan.FromHours(24)); // the next day, 02:21
        Assert.True(Daemon().Run([Campaign(2)], DaemonMode.Once));

        Assert.Equal([(1, At(1, 2, 1)), (2, At(2, 2, 21))], _ran);
        Assert.Equal([At(1, 2), At(2, 2)], ScheduleState.Load(StatePath)!.Occurrences.Select(o => o.DueUtc));
    }

    [Fact]
    public void An_occurrence_reached_too_late_is_missed_and_its_cycle_waits_for_the_next()
    {
        Assert.True(Daemon().Run([Campaign(1)], DaemonMode.Once)); // state: next 02:00
        _clock.Advance(TimeSpan.FromHours(4)); // 05:00, three hours late

        Assert.True(Daemon().Run([Campaign(1)], DaemonMode.UntilComplete));

        Assert.Equal([(1, At(2, 2))], _ran);
        var occurrences = ScheduleState.Load(StatePath)!.Occurrences;
        Assert.Equal([(At(1, 2), OccurrenceStatus.Missed), (At(2, 2), OccurrenceStatus.Done)], occurrences.Select(o => (o.DueUtc, o.Status)));
        Assert.Contains("missed the occurrence of 2026-12-07 02:00:00 +00:00 (reached 3h late, more than 1h)", _log.ToString());
    }

    [Fact]
    public void Now_runs_the_next_occurrence_ahead_of_its_time()
    {
        Assert.True(Daemon().Run([Campaign(2)], DaemonMode.Once, now: true));

        Assert.Equal([(1, Day1At0100)], _ran);
        var state = ScheduleState.Load(StatePath)!;
        var occurrence = Assert.Single(state.Occurrences);
        Assert.Equal((At(1, 2), OccurrenceStatus.Done, true), (occurrence.DueUtc, occurrence.Status, occurrence.Early));
        Assert.Equal(At(2, 2), state.NextUtc);
    }

    [Fact]
    public void A_failed_cycle_is_recorded_and_runs_again_at_the_next_occurrence()
    {
        var failures = 1;
        Assert.False(Daemon().Run([Campaign(1, fail: _ => failures-- > 0)], DaemonMode.UntilComplete));

        Assert.Equal([(1, At(1, 2)), (1, At(2, 2))], _ran);
        var occurrences = ScheduleState.Load(StatePath)!.Occurrences;
        Assert.Equal((OccurrenceStatus.Failed, "the GPU is busy"), (occurrences[0].Status, occurrences[0].Error));
        Assert.Equal(OccurrenceStatus.Done, occurrences[1].Status);
    }

    [Fact]
    public void Complete_cycles_are_not_run_again()
    {
        _complete.Add(1); // lem run (or an earlier daemon) completed cycle 1
        Assert.True(Daemon().Run([Campaign(2)], DaemonMode.UntilComplete));
        Assert.Equal([(2, At(1, 2))], _ran);
    }

    [Fact]
    public void A_cycle_running_when_lem_stopped_is_recorded_as_failed_and_resumes()
    {
        new ScheduleState("nightly", "0 2 * * *", "UTC", At(1, 2), [new OccurrenceRecord(At(0, 2), OccurrenceStatus.Running, 1, At(0, 2))]).Save(StatePath);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.True(Daemon().Run([Campaign(1)], DaemonMode.Once));
        var occurrences = ScheduleState.Load(StatePath)!.Occurrences;
        Assert.Equal((OccurrenceStatus.Failed, "lem stopped while this cycle ran"), (occurrences[0].Status, occurrences[0].Error));
        Assert.Equal([(1, At(1, 2))], _ran);
    }

    [Theory]
    [InlineData("0 2 * *")]
    [InlineData("61 2 * * *")]
    [InlineData("every night")]
    public void An_invalid_cron_expression_says_why(string text)
    {
        Assert.Null(CronSchedule.TryParse(text, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Occurrences_follow_the_time_zone()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var schedule = CronSchedule.Parse("0 2 * * *");
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero), schedule.Next(Day1At0100.AddHours(-2), paris)); // 02:00 CET = 01:00 UTC
    }

    public void Dispose()
    {
        _temp.Dispose();
        _log.Dispose();
    }
}
