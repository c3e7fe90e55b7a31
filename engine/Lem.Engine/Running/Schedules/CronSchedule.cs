using Cronos;

namespace Lem.Engine.Running.Schedules;

/// <summary>
/// A campaign's <c>schedule</c>: a cron expression of five fields (minute hour day-of-month month day-of-week, as
/// crontab(5) writes them, or a macro such as <c>@daily</c>), read by Cronos, with occurrences in a time zone (the
/// machine's by default), so <c>0 2 * * *</c> is 02:00 local time every day, daylight saving time included.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure, null and what is wrong with it in words.</summary>
    public static CronSchedule? TryParse(string text, out string? error)
    {
        try
        {
            error = null;
            return new CronSchedule(text, CronExpression.Parse(text.Trim(), CronFormat.Standard));
        }
        catch (CronFormatException e)
        {
            error = e.Message.TrimEnd('.');
            return null;
        }
    }

    public static CronSchedule Parse(string text) =>
        TryParse(text, out var error) ?? throw new RunnerException($"schedule \"{text}\" is not a cron expression: {error}. {Remedy}");

    /// <summary>What a valid schedule looks like, for messages.</summary>
    public const string Remedy = "Remedy: write five fields, minute hour day-of-month month day-of-week, for example \"0 2 * * *\" (every day at 02:00) or \"30 */4 * * 1-5\" (every 4 hours at :30, Monday to Friday).";

    /// <summary>The first occurrence strictly after <paramref name="afterUtc"/>; null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset afterUtc, TimeZoneInfo zone) => _expression.GetNextOccurrence(afterUtc, zone);
}
