namespace Lem.Engine.Config;

/// <summary>Finds the candidate closest to a misspelt name, for "did you mean ...?" hints.</summary>
internal static class NameSuggester
{
    /// <summary>The closest candidate within a small edit distance (case-insensitive), or null. Ties go to the earlier candidate.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestScore = double.MaxValue;
        foreach (var candidate in candidates)
        {
            var score = Score(input, candidate);
            if (score is not null && score < bestScore)
            {
                best = candidate;
                bestScore = score.Value;
            }
        }
        return best;
    }

    /// <summary>
    /// How far <paramref name="candidate"/> is from <paramref name="input"/>: the edit distance when it is small for the
    /// input's length, the threshold itself when the candidate merely starts with the input (<c>temp</c> for
    /// <c>temperature</c>), otherwise null (not close).
    /// </summary>
    public static double? Score(string input, string candidate)
    {
        var a = Normalise(input);
        var b = Normalise(candidate);
        if (a.Length == 0) return null;
        var threshold = Threshold(a.Length);
        var distance = Distance(a, b);
        if (distance <= threshold) return distance;
        if (a.Length >= 3 && b.StartsWith(a, StringComparison.Ordinal)) return threshold;
        return null;
    }

    public static int Threshold(int length) => length <= 3 ? 1 : length <= 6 ? 2 : 3;

    public static string Normalise(string name) => name.Trim().ToLowerInvariant().Replace('-', '_');

    /// <summary>Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and swaps of neighbours.</summary>
    public static int Distance(string a, string b)
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
