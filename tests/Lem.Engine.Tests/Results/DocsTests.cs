using Lem.Engine.Results.Export;
using Lem.Engine.Results.Schema;

namespace Lem.Engine.Tests.Results;

/// <summary>docs/results.md documents the export columns; these tests keep it in step with the code.</summary>
public class DocsTests
{
    private static string? Docs()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "docs", "results.md");
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
}
