using System.Globalization;
using System.Text.RegularExpressions;
using Lem.Engine.Workload.Prompts;

namespace Lem.Engine.Meters.Estimates;

/// <summary>The built-in CPU TDP table (embedded cpu-tdp.csv) and model-name matching.</summary>
public static partial class CpuTdpTable
{
    /// <summary>
    /// Fallback when the model is not in the table: watts per logical CPU. The median of TDP ÷ hardware threads over
    /// the table's server and desktop parts is about 3.4 W (for example 350 W / 112 threads for a Xeon 8480+,
    /// 280 W / 128 for an EPYC 7763, 170 W / 32 for a Ryzen 9 7950X); rounded to 3.5 W.
    /// </summary>
    public const double DefaultWattsPerLogicalCpu = 3.5;

    private static readonly Lazy<IReadOnlyList<CpuTdpEntry>> Rows = new(Load);

    public static IReadOnlyList<CpuTdpEntry> Entries => Rows.Value;

    /// <summary>The table row for a /proc/cpuinfo model name, or null.</summary>
    public static CpuTdpEntry? Find(string modelName)
    {
        var model = Normalise(modelName);
        foreach (var row in Entries)
        {
            var pattern = Normalise(row.Model);
            var at = model.IndexOf(pattern, StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            var end = at + pattern.Length;
            if (end == model.Length || model[end] == ' ' || model[end] == '@') return row;
        }
        return null;
    }

    /// <summary>Removes (R), (TM), "CPU", "Processor", "N-Core" and repeated spaces.</summary>
    public static string Normalise(string modelName)
    {
        var s = modelName.Replace("(R)", "", StringComparison.OrdinalIgnoreCase).Replace("(TM)", "", StringComparison.OrdinalIgnoreCase);
        s = NoiseWords().Replace(s, " ");
        return Spaces().Replace(s, " ").Trim();
    }

    /// <summary>Parses the table (CSV, <see cref="CsvParser"/>): '#' comment lines, a header, then <c>model,tdp_w,source</c> rows.</summary>
    public static IReadOnlyList<CpuTdpEntry> Parse(string csv)
    {
        var rows = new List<CpuTdpEntry>();
        var header = true;
        foreach (var row in CsvParser.Parse("cpu-tdp.csv", csv, message => new FormatException(message), comment: '#'))
        {
            if (header) { header = false; continue; }
            var parts = row.Fields;
            if (parts.Count != 3 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var tdp))
                throw new FormatException($"cpu-tdp.csv:{row.Line}: expected 'model,tdp_w,source' (quote a source that holds a comma), read '{string.Join(",", parts)}'.");
            rows.Add(new CpuTdpEntry(parts[0].Trim(), tdp, parts[2].Trim()));
        }
        return rows;
    }

    private static IReadOnlyList<CpuTdpEntry> Load()
    {
        using var stream = typeof(CpuTdpTable).Assembly.GetManifestResourceStream("Lem.Engine.Meters.Estimates.cpu-tdp.csv")
            ?? throw new InvalidOperationException("Embedded resource cpu-tdp.csv is missing from Lem.Engine.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    [GeneratedRegex(@"\b(CPU|Processor|\d+-Core)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NoiseWords();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
