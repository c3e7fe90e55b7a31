using System.Globalization;

namespace Lem.Engine.Running.Schedules;

/// <summary>A campaign with a schedule, as the daemon sees it.</summary>
/// <param name="Cycles">The campaign's cycles: one runs at each occurrence, in order.</param>
/// <param name="StatePath">Its state file (<see cref="ScheduleState"/>).</param>
/// <param name="CycleComplete">Whether every run of a cycle is complete (the run manifest and result folders: lem run's resume rules).</param>
/// <param name="RunCycle">Runs a cycle's runs, skipping the complete ones (a failure throws).</param>
public sealed record ScheduledCampaign(
    string Name,
    CronSchedule Schedule,
    int Cycles,
    string StatePath,
    Func<int, bool> CycleComplete,
    Action<int> RunCycle);

/// <summary>How long the daemon keeps going.</summary>
public enum DaemonMode
{
    /// <summary>Wait for each occurrence until every cycle of every campaign has run.</summary>
    UntilComplete,

    /// <summary>Handle what is due now, then stop (a cron job or a test calls lem daemon --once).</summary>
    Once,
}

/// <summary>
/// Runs scheduled campaigns' cycles at the times of their cron schedules, one cycle per occurrence, and keeps each
/// campaign's state on disk so that a restarted daemon goes on where the last one stopped. An occurrence is run when
/// the daemon reaches it at most <c>maxLate</c> after its time; one reached later (the daemon was not running, or a
/// cycle ran past it) is recorded as missed, and its cycle waits for the next occurrence. A failed cycle is recorded
/// and runs again (its complete runs skipped) at the next occurrence. All waiting goes through a <see cref="WallClock"/>.
/// </summary>
public sealed class ScheduleDaemon(WallClock clock, TimeZoneInfo zone, TimeSpan maxLate, TextWriter log)
{
    /// <param name="now">Run the next occurrence at once, before its time (then go on as <paramref name="mode"/> says).</param>
    /// <returns>True when no cycle failed.</returns>
    public bool Run(IReadOnlyList<ScheduledCampaign> campaigns, DaemonMode mode, bool now = false)
    {
        var states = campaigns.ToDictionary(c => c.Name, Open);
        var ok = true;
        var early = now;
        while (true)
        {
            var pending = campaigns.Where(c => FirstIncompleteCycle(c) is not null && states[c.Name].NextUtc is not null).ToList();
            if (pending.Count == 0)
            {
                foreach (var c in campaigns)
                    log.WriteLine(FirstIncompleteCycle(c) is null
                        ? $"campaign {c.Name}: every cycle has run ({c.Cycles} of {c.Cycles})"
                        : $"campaign {c.Name}: its schedule \"{c.Schedule.Text}\" has no further occurrence");
                return ok;
            }
            var campaign = pending.MinBy(c => states[c.Name].NextUtc!.Value)!;
            var state = states[campaign.Name];
            var due = state.NextUtc!.Value;
            var time = clock.UtcNow;
            if (!early && time < due)
            {
                if (mode == DaemonMode.Once)
                {
                    log.WriteLine($"campaign {campaign.Name}: nothing due; next occurrence {Text(due)} (cycle {FirstIncompleteCycle(campaign)} of {campaign.Cycles})");
                    return ok;
                }
                log.WriteLine($"campaign {campaign.Name}: waiting for {Text(due)} (cycle {FirstIncompleteCycle(campaign)} of {campaign.Cycles})");
                clock.SleepUntil(due);
                continue;
            }
            if (!early && time - due > maxLate)
            {
                log.WriteLine($"campaign {campaign.Name}: missed the occurrence of {Text(due)} (reached {FormatLate(time - due)} late, more than {FormatLate(maxLate)})");
                state = Save(campaign, state.With(new OccurrenceRecord(due, OccurrenceStatus.Missed)) with { NextUtc = campaign.Schedule.Next(due, zone) });
                states[campaign.Name] = state;
                continue;
            }
            var cycle = FirstIncompleteCycle(campaign)!.Value;
            var started = clock.UtcNow;
            log.WriteLine($"campaign {campaign.Name}: occurrence {Text(due)}{(early ? " (run now, ahead of its time)" : "")}: cycle {cycle} of {campaign.Cycles}");
            state = Save(campaign, state.With(new OccurrenceRecord(due, OccurrenceStatus.Running, cycle, started, Early: early)));
            OccurrenceRecord outcome;
            try
            {
                campaign.RunCycle(cycle);
                outcome = new OccurrenceRecord(due, OccurrenceStatus.Done, cycle, started, clock.UtcNow, early);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ok = false;
                log.WriteLine($"campaign {campaign.Name}: cycle {cycle} failed: {e.Message} (it runs again at the next occurrence)");
                outcome = new OccurrenceRecord(due, OccurrenceStatus.Failed, cycle, started, clock.UtcNow, early, e.Message);
            }
            states[campaign.Name] = Save(campaign, state.With(outcome) with { NextUtc = campaign.Schedule.Next(due, zone) });
            early = false;
            if (mode == DaemonMode.Once) return ok;
        }
    }

    /// <summary>The campaign's state from disk, or a new one whose next occurrence is the first after now; a schedule
    /// changed since the state was written starts again from now (the occurrences so far are kept).</summary>
    private ScheduleState Open(ScheduledCampaign campaign)
    {
        var state = ScheduleState.Load(campaign.StatePath);
        var next = campaign.Schedule.Next(clock.UtcNow, zone);
        if (state is null)
        {
            log.WriteLine($"campaign {campaign.Name}: schedule \"{campaign.Schedule.Text}\" ({zone.Id}), {campaign.Cycles} cycle(s); state in {campaign.StatePath}");
            return Save(campaign, new ScheduleState(campaign.Name, campaign.Schedule.Text, zone.Id, next, []));
        }
        if (state.Schedule != campaign.Schedule.Text || state.TimeZone != zone.Id)
        {
            log.WriteLine($"campaign {campaign.Name}: schedule changed from \"{state.Schedule}\" ({state.TimeZone}) to \"{campaign.Schedule.Text}\" ({zone.Id}); the next occurrence is taken from now");
            return Save(campaign, state with { Schedule = campaign.Schedule.Text, TimeZone = zone.Id, NextUtc = next });
        }
        // a cycle that was running when lem stopped resumes at its next occurrence (its complete runs are skipped)
        var interrupted = state.Occurrences.Where(o => o.Status == OccurrenceStatus.Running).ToList();
        foreach (var o in interrupted)
            state = state.With(o with { Status = OccurrenceStatus.Failed, Error = "lem stopped while this cycle ran" });
        return interrupted.Count > 0 ? Save(campaign, state) : state;
    }

    private static ScheduleState Save(ScheduledCampaign campaign, ScheduleState state)
    {
        state.Save(campaign.StatePath);
        return state;
    }

    private static int? FirstIncompleteCycle(ScheduledCampaign campaign)
    {
        for (var cycle = 1; cycle <= campaign.Cycles; cycle++)
            if (!campaign.CycleComplete(cycle)) return cycle;
        return null;
    }

    private string Text(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string FormatLate(TimeSpan late) => Lem.Engine.Config.DurationText.Format(TimeSpan.FromSeconds(Math.Round(late.TotalSeconds)));
}
