namespace Lem.Engine.Config;

/// <summary>
/// "Did you mean ...?": finds the candidates closest to a misspelt name. The one suggester of the project: the engine's
/// value checks and parameter names, the language checker, the YAML importer and the analysis' column names use it.
/// Dotted names (<c>batching.batch_size</c>) are compared whole, by their last part alone, and by section.
/// </summary>
public static class NameSuggester
{
    /// <summary>The closest candidate, or null when none is close. Ties go to the earlier candidate.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates) => Ranked(input, candidates, 1).FirstOrDefault();

    /// <summary>Up to <paramref name="count"/> close candidates, closest first (ties in the candidates' order).</summary>
    public static IReadOnlyList<string> Ranked(string input, IEnumerable<string> candidates, int count)
    {
        var key = Normalise(input);
        if (key.Length == 0 || count <= 0) return [];
        return candidates
            .Select((candidate, index) => (Candidate: candidate, Index: index, Score: DottedScore(key, Normalise(candidate))))
            .Where(c => c.Score is not null)
            .OrderBy(c => c.Score!.Value)
            .ThenBy(c => c.Index)
            .Take(count)
            .Select(c => c.Candidate)
            .ToList();
    }

    /// <summary>Lower is closer; null when not close. A whole-name match beats a match of the last segment alone.</summary>
    private static double? DottedScore(string key, string name)
    {
        var scores = new List<double>();
        if (WholeScore(key, name) is { } whole) scores.Add(whole);

        var (keySection, keyLast) = Split(key);
        var (nameSection, nameLast) = Split(name);
        if (WholeScore(keyLast, nameLast) is { } last) scores.Add(last + 0.5);
        // "batching.size" for batching.batch_size: right section, part of the name.
        if (keySection is not null && keySection == nameSection && keyLast.Length >= 3 && nameLast.Contains(keyLast, StringComparison.Ordinal))
            scores.Add(1.5);

        return scores.Count == 0 ? null : scores.Min();
    }

    /// <summary>
    /// How far <paramref name="b"/> is from <paramref name="a"/> (both normalised): the edit distance when it is small for
    /// the input's length and leaves some of the input standing (`x` suggests nothing), the threshold itself when the
    /// candidate merely starts with the input (<c>temp</c> for <c>temperature</c>), otherwise null (not close).
    /// </summary>
    private static double? WholeScore(string a, string b)
    {
        if (a.Length == 0) return null;
        var threshold = Threshold(a.Length);
        var distance = Distance(a, b);
        if (distance <= threshold && distance < a.Length) return distance;
        if (a.Length >= 3 && b.StartsWith(a, StringComparison.Ordinal)) return threshold;
        return null;
    }

    private static (string? Section, string Last) Split(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? (null, name) : (name[..dot], name[(dot + 1)..]);
    }

    /// <summary>Edits allowed for an input of this length: a quarter of a long name (metric names run to 30 letters).</summary>
    private static int Threshold(int length) => length <= 3 ? 1 : length <= 6 ? 2 : Math.Max(3, length / 4);

    internal static string Normalise(string name) => name.Trim().ToLowerInvariant().Replace('-', '_');

    /// <summary>Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
