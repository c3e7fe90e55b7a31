using System.Globalization;
using Lem.Engine.Config;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Validity;

namespace Lem.Engine.Results.Export;

/// <summary>
/// The flat table behind CSV and Parquet exports: one row per run. Cells are <c>double?</c> in number columns and
/// <c>string?</c> in text columns; null means missing (NA in CSV). Column order (docs/results.md): run columns,
/// parameters (registry order, then others by name), every canonical metric (<see cref="MetricNames.Canonical"/>),
/// energy source columns, then other metrics by name.
/// </summary>
public sealed class ExportTable
{
    public static readonly IReadOnlyList<ExportColumn> RunColumns =
    [
        new("run_id", ExportColumnKind.Text),
        new("experiment", ExportColumnKind.Text),
        new("cycle", ExportColumnKind.Number),
        new("status", ExportColumnKind.Text),
        new("worker_count", ExportColumnKind.Number),
        new("workers_found", ExportColumnKind.Number),
        new("started_utc", ExportColumnKind.Text),
        new("ended_utc", ExportColumnKind.Text),
        new("tool_version", ExportColumnKind.Text),
        new("schema_version", ExportColumnKind.Number),
        new("model_architecture", ExportColumnKind.Text),
        new("model_precision", ExportColumnKind.Text),
        new("model_device", ExportColumnKind.Text),
        new("workload_fingerprint", ExportColumnKind.Text),
        new("validity_status", ExportColumnKind.Text),
        new("validity_not_passed", ExportColumnKind.Text),
    ];

    public static readonly IReadOnlyList<ExportColumn> EnergySourceColumns =
    [
        new("energy_total_source", ExportColumnKind.Text),
        new("energy_gpu_source", ExportColumnKind.Text),
        new("energy_cpu_source", ExportColumnKind.Text),
        new("energy_ram_source", ExportColumnKind.Text),
        new("energy_other_source", ExportColumnKind.Text),
        new("energy_low_confidence", ExportColumnKind.Text),
        new("energy_components", ExportColumnKind.Text),
        new("warning_codes", ExportColumnKind.Text),
    ];

    private ExportTable(IReadOnlyList<ExportColumn> columns, IReadOnlyList<object?[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<ExportColumn> Columns { get; }
    public IReadOnlyList<object?[]> Rows { get; }

    public static ExportTable From(IEnumerable<AggregatedRecord> records)
    {
        var list = records.ToList();
        var fixedNames = RunColumns.Concat(EnergySourceColumns).Select(c => c.Name)
            .Concat(MetricNames.Canonical.Select(m => m.Name)).ToHashSet(StringComparer.Ordinal);

        // records keep their parameters in registry order, so first appearance across them is registry order
        var parameterNames = list.SelectMany(r => r.Config.Keys).Distinct().Where(n => !fixedNames.Contains(n)).ToList();
        var parameterColumns = parameterNames.Select(n => new ExportColumn(n, AllNumbers(list, n) ? ExportColumnKind.Number : ExportColumnKind.Text)).ToList();

        var taken = fixedNames.Concat(parameterNames).ToHashSet(StringComparer.Ordinal);
        var extraMetrics = list.SelectMany(r => r.Metrics.Keys).Distinct()
            .Where(n => !MetricNames.IsCanonical(n) && !taken.Contains(n)).Order(StringComparer.Ordinal).ToList();

        var columns = new List<ExportColumn>(RunColumns);
        columns.AddRange(parameterColumns);
        columns.AddRange(MetricNames.Canonical.Select(m => new ExportColumn(m.Name, ExportColumnKind.Number)));
        columns.AddRange(EnergySourceColumns);
        columns.AddRange(extraMetrics.Select(n => new ExportColumn(n, ExportColumnKind.Number)));

        var rows = list.Select(r => Row(r, parameterColumns, extraMetrics)).ToList();
        return new ExportTable(columns, rows);
    }

    private static object?[] Row(AggregatedRecord r, List<ExportColumn> parameterColumns, List<string> extraMetrics)
    {
        var row = new List<object?>
        {
            r.RunId, r.Experiment, (double?)r.Cycle, RunStatusText.Of(r.Status),
            (double?)r.WorkerCount, (double?)r.WorkersFound,
            r.StartedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), r.EndedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            r.ToolVersion, (double?)r.SchemaVersion,
            r.Model?.Architecture, r.Model?.Precision, r.Model?.Device,
            r.WorkloadFingerprint,
            r.Validity is { } verdict ? ValidityVerdict.Text(verdict.Status) : null,
            r.Validity is { } checks ? string.Join("; ", checks.Checks.Where(c => c.Status != ValidityStatus.Pass).Select(c => $"{c.Name}={ValidityVerdict.Text(c.Status)}")) : null,
        };
        foreach (var column in parameterColumns)
        {
            var value = r.Config.TryGetValue(column.Name, out var p) ? p.Value : null;
            row.Add(value is null ? null : column.Kind == ExportColumnKind.Number ? ParameterRecord.Number(value) : ParameterRecord.Text(value));
        }
        foreach (var metric in MetricNames.Canonical)
            row.Add(r.Metrics.TryGetValue(metric.Name, out var v) ? v : null);

        row.Add(r.Energy.Count > 0 ? EnergySourceText.OfSum(r.Energy, EnergyComponents.Sum(r.Energy).Source) : null);
        foreach (var category in EnergyComponents.Categories)
        {
            var inCategory = EnergyComponents.InCategory(r.Energy, category).ToList();
            row.Add(inCategory.Count > 0 ? EnergySourceText.OfSum(inCategory, EnergyComponents.Sum(inCategory).Source) : null);
        }
        row.Add(r.Energy.Count > 0 ? (r.Energy.Any(e => e.LowConfidence) ? "true" : "false") : null);
        row.Add(r.Energy.Count > 0 ? string.Join("; ", r.Energy.Select(e => $"{e.Component}={EnergySourceText.Of(e)}")) : null);
        row.Add(string.Join(";", r.Warnings.Select(w => w.Code).Distinct()));

        foreach (var name in extraMetrics)
            row.Add(r.Metrics.TryGetValue(name, out var v) ? v : null);
        return row.ToArray();
    }

    private static bool AllNumbers(List<AggregatedRecord> records, string parameter)
    {
        var values = records.Select(r => r.Config.TryGetValue(parameter, out var p) ? p.Value : null).Where(v => v is not null).ToList();
        return values.Count > 0 && values.All(v => ParameterRecord.Number(v) is not null);
    }
}
