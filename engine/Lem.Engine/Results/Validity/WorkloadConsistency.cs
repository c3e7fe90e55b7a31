using Lem.Engine.Results.Schema;

namespace Lem.Engine.Results.Validity;

/// <summary>
/// Checks across runs that those meant to share a workload do: runs with the same <c>prompts</c> setting (the
/// members of a sweep over anything else) must have the same <see cref="RunFigures.WorkloadFingerprint"/>. Runs without
/// a fingerprint (older records) are not judged.
/// </summary>
public static class WorkloadConsistency
{
    /// <summary>One line per group of runs whose workloads differ although their prompts setting is the same.</summary>
    public static IReadOnlyList<string> Problems<T>(IEnumerable<T> records) where T : RunFigures
    {
        var problems = new List<string>();
        var groups = records.Where(r => r.WorkloadFingerprint is not null)
            .GroupBy(r => r.Config.TryGetValue("prompts", out var p) ? ParameterRecord.Text(p.Value) : "");
        foreach (var group in groups)
        {
            var fingerprints = group.GroupBy(r => r.WorkloadFingerprint!).ToList();
            if (fingerprints.Count < 2) continue;
            var detail = string.Join("; ", fingerprints.Select(f => $"{f.Key}: {string.Join(", ", f.Select(Name).Distinct().Take(4))}{(f.Count() > 4 ? ", ..." : "")}"));
            problems.Add($"runs with prompts = {group.Key} measured different workloads ({fingerprints.Count} prompt fingerprints: {detail}); compare them only if that was meant (a different tokenizer, prompt file or sample)");
        }
        return problems;
    }

    private static string Name(RunFigures r) => r switch
    {
        AggregatedRecord a => $"{a.Experiment} cycle {a.Cycle}",
        RawRecord raw => $"{raw.Experiment} cycle {raw.Cycle}",
        _ => "?",
    };
}
