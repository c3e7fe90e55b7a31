using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Aggregation;

/// <summary>
/// The one rule for superseded runs, used by <c>lem report</c>, <c>analyze</c> and <c>lem results export</c>: of the
/// complete runs of each experiment and cycle only the latest counts (the largest run id; ids begin with the start
/// time); the older ones are superseded — a rerun (after <c>--fresh</c>, or of an edited config) replaces them, so they
/// never count twice in statistics across cycles. Incomplete runs never count. Each caller says how many runs it left
/// out and why (<see cref="Selection.Describe"/>); <c>lem results export --all</c> keeps the superseded ones.
/// </summary>
public static class Supersession
{
    public const string Rule = "the latest complete run of each experiment and cycle counts; older complete runs of the same experiment and cycle are superseded";

    /// <summary>The runs kept and those left out as superseded (each with the run that supersedes it).</summary>
    public sealed record Selection(IReadOnlyList<AggregatedRecord> Kept, IReadOnlyList<(AggregatedRecord Run, string SupersededBy)> Superseded, int Incomplete)
    {
        /// <summary>A line saying what was left out and why; null when nothing was.</summary>
        public string? Describe()
        {
            var parts = new List<string>();
            if (Superseded.Count > 0)
                parts.Add($"{Superseded.Count} superseded run(s) (an older complete run of the same experiment and cycle: {string.Join(", ", Superseded.Take(3).Select(s => $"{s.Run.RunId} by {s.SupersededBy}"))}{(Superseded.Count > 3 ? ", ..." : "")})");
            if (Incomplete > 0) parts.Add($"{Incomplete} incomplete run(s) (no DONE marker)");
            return parts.Count == 0 ? null : "left out " + string.Join(" and ", parts) + "; rule: " + Rule + ".";
        }
    }

    public static Selection Select(IEnumerable<AggregatedRecord> records)
    {
        var all = records.ToList();
        var complete = all.Where(r => r.Status == RunStatus.Complete).ToList();
        var kept = new List<AggregatedRecord>();
        var superseded = new List<(AggregatedRecord, string)>();
        foreach (var group in complete.GroupBy(r => (r.Experiment, r.Cycle)))
        {
            var ordered = group.OrderByDescending(r => r.RunId, StringComparer.Ordinal).ToList();
            kept.Add(ordered[0]);
            superseded.AddRange(ordered.Skip(1).Select(r => (r, ordered[0].RunId)));
        }
        kept.Sort((a, b) => string.CompareOrdinal(a.RunId, b.RunId));
        return new Selection(kept, superseded, all.Count - complete.Count);
    }
}
