using System.Globalization;
using System.Text;

namespace Lem.Backends.Server.Metrics;

/// <summary>
/// A reader of the Prometheus text exposition format (version 0.0.4, which vLLM, SGLang and llama-server serve):
/// <c># HELP</c>/<c># TYPE</c> comments are skipped, each sample line gives name, labels and value (a trailing timestamp
/// is ignored). Written by hand: NuGet serves no parser for it (prometheus-net and OpenTelemetry's exporters only
/// write it). Lines it cannot read are counted, not fatal.
/// </summary>
public static class PrometheusText
{
    public static (IReadOnlyList<PrometheusSample> Samples, int UnreadableLines) Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var unreadable = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (TryParseLine(line, out var sample)) samples.Add(sample);
            else unreadable++;
        }
        return (samples, unreadable);
    }

    /// <summary>The sum over every label set of the first of <paramref name="names"/> that is present, or null where none is.</summary>
    public static double? Sum(IReadOnlyList<PrometheusSample> samples, IEnumerable<string> names) =>
        FirstPresent(samples, names) is { } matching ? matching.Sum(s => s.Value) : null;

    /// <summary>The mean over every label set of the first of <paramref name="names"/> that is present (for ratios), or null where none is.</summary>
    public static double? Mean(IReadOnlyList<PrometheusSample> samples, IEnumerable<string> names) =>
        FirstPresent(samples, names) is { } matching ? matching.Average(s => s.Value) : null;

    private static List<PrometheusSample>? FirstPresent(IReadOnlyList<PrometheusSample> samples, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var matching = samples.Where(s => s.Name == name).ToList();
            if (matching.Count > 0) return matching;
        }
        return null;
    }

    private static bool TryParseLine(string line, out PrometheusSample sample)
    {
        sample = null!;
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':')) i++;
        if (i == 0) return false;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (i < line.Length && line[i] is ' ' or ',') i++;
                if (i >= line.Length) return false;
                if (line[i] == '}')
                {
                    i++;
                    break;
                }
                var start = i;
                while (i < line.Length && line[i] != '=') i++;
                if (i + 1 >= line.Length || line[i + 1] != '"') return false;
                var key = line[start..i].Trim();
                i += 2;
                var value = new StringBuilder();
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else value.Append(line[i]);
                    i++;
                }
                if (i >= line.Length) return false;
                i++;
                labels[key] = value.ToString();
            }
        }
        var parts = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !TryParseValue(parts[0], out var number)) return false;
        sample = new PrometheusSample(name, labels, number);
        return true;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf": value = double.PositiveInfinity; return true;
            case "-Inf": value = double.NegativeInfinity; return true;
            case "NaN": value = double.NaN; return true;
            default: return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
