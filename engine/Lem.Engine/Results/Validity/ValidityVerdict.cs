namespace Lem.Engine.Results.Validity;

/// <summary>Every check of a record and their worst outcome (no check: pass).</summary>
/// <param name="Figures">Figures the checks computed that are metrics too (<c>steady_state_share</c>,
/// <c>energy_steady_state_j</c>, <c>power_sample_coverage</c>).</param>
public sealed record ValidityVerdict(ValidityStatus Status, IReadOnlyList<ValidityCheck> Checks, IReadOnlyDictionary<string, double>? Figures = null)
{
    public static ValidityVerdict Of(IReadOnlyList<ValidityCheck> checks, IReadOnlyDictionary<string, double>? figures = null) =>
        new(checks.Count == 0 ? ValidityStatus.Pass : checks.Max(c => c.Status), checks, figures);

    /// <summary><c>pass</c>, <c>warn</c>, <c>fail</c>.</summary>
    public static string Text(ValidityStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>
    /// The verdict of a run from its workers' verdicts: per check name the worst outcome, details prefixed by the
    /// worker where workers differ. Null when no worker has one.
    /// </summary>
    public static ValidityVerdict? Combine(IReadOnlyList<(int Worker, ValidityVerdict? Verdict)> workers)
    {
        var present = workers.Where(w => w.Verdict is not null).ToList();
        if (present.Count == 0) return null;
        if (present.Count == 1) return present[0].Verdict;
        // figures of one worker's window do not describe the run; only the checks are combined
        var checks = present.SelectMany(w => w.Verdict!.Checks.Select(c => (w.Worker, Check: c)))
            .GroupBy(x => x.Check.Name)
            .Select(g =>
            {
                var list = g.ToList();
                var detail = list.Select(x => x.Check.Detail).Distinct().Count() == 1
                    ? list[0].Check.Detail
                    : string.Join("; ", list.Select(x => $"worker {x.Worker}: {x.Check.Detail}"));
                return new ValidityCheck(g.Key, list.Max(x => x.Check.Status), detail, list.Count == 1 ? list[0].Check.Value : null);
            })
            .ToList();
        return Of(checks);
    }
}
