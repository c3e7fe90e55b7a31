using Lem.Engine.Results.Export;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

/// <summary>docs/results.md documents the export columns; these tests keep it in step with the code.</summary>
public class DocsTests
{
    private static string? Docs(string file = "results.md")
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "docs", file);
            if (File.Exists(Path.Combine(folder.FullName, "LLenergyMeasure.sln")) && File.Exists(path)) return File.ReadAllText(path);
        }
        return null;
    }

    [Fact]
    public void Every_canonical_metric_and_export_column_is_documented()
    {
        var docs = Docs();
        Assert.NotNull(docs);
        var missing = MetricNames.Canonical.Select(m => m.Name)
            .Concat(ExportTable.RunColumns.Select(c => c.Name))
            .Concat(ExportTable.EnergySourceColumns.Select(c => c.Name))
            .Where(name => !docs.Contains($"`{name}`", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(missing);
    }

    /// <summary>
    /// Every metric docs/metrics.md defines (the first column of its tables headed "canonical name" or "name") is a
    /// canonical metric, so that `analyze` (which accepts canonical names) accepts it; a latency base name such as
    /// `ttft_ms` stands for its statistics (`ttft_ms_mean`...).
    /// </summary>
    [Fact]
    public void Every_metric_in_docs_metrics_md_is_canonical()
    {
        var docs = Docs("metrics.md");
        Assert.NotNull(docs);
        var names = new List<string>();
        var inMetricTable = false;
        foreach (var line in docs.Split('\n'))
        {
            if (!line.StartsWith('|')) { inMetricTable = false; continue; }
            var first = line.Split('|')[1].Trim();
            if (first is "canonical name" or "name") { inMetricTable = true; continue; }
            if (inMetricTable && first.StartsWith('`')) names.AddRange(first.Split(", ").Select(n => n.Trim('`')));
        }
        Assert.Contains("padding_ratio", names);
        Assert.Contains("cpu_prefill_energy_j", names);
        var unknown = names.Where(n => !MetricNames.IsCanonical(n) && !MetricNames.LatencyStatistics.All(st => MetricNames.IsCanonical($"{n}_{st}"))).ToList();
        Assert.Empty(unknown);
    }
}
