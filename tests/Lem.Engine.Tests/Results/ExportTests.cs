using System.Globalization;
using Lem.Engine.Meters;
using Lem.Engine.Results;
using Lem.Engine.Results.Aggregation;
using Lem.Engine.Results.Export;
using Lem.Engine.Results.Schema;
using Parquet;
using Parquet.Schema;

namespace Lem.Engine.Tests.Results;

public class ExportTests
{
    /// <summary>Two runs: batch 8 with GPU measured; batch 32 with the GPU unavailable (its energy must be NA, not 0).</summary>
    private static List<AggregatedRecord> Runs() =>
    [
        RunAggregator.Aggregate([Samples.Raw("20261125T120000000Z-aaaaaa-llama_bf16-c0", batchSize: 8)], RunStatus.Complete),
        RunAggregator.Aggregate([Samples.Raw("20261125T120001000Z-bbbbbb-llama_bf16-c0", batchSize: 32, gpuJ: null)], RunStatus.Complete),
    ];

    [Fact]
    public void Csv_reads_back_equal_to_the_records()
    {
        var runs = Runs();
        var rows = CsvText.Parse(CsvExporter.Format(runs));
        var header = rows[0];
        Assert.Equal(3, rows.Count);
        Assert.Equal(header.Count, header.Distinct().Count());
        Assert.All(rows, r => Assert.Equal(header.Count, r.Count));

        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var row = header.Zip(rows[i + 1]).ToDictionary(p => p.First, p => p.Second);
            Assert.Equal(run.RunId, row["run_id"]);
            Assert.Equal(run.Experiment, row["experiment"]);
            Assert.Equal("0", row["cycle"]);
            Assert.Equal("complete", row["status"]);
            foreach (var (name, parameter) in run.Config)
                Assert.Equal(parameter.ValueText(), row[name]);
            foreach (var metric in MetricNames.Canonical)
            {
                if (run.Metrics.TryGetValue(metric.Name, out var value))
                    Assert.Equal(value, double.Parse(row[metric.Name], CultureInfo.InvariantCulture));
                else
                    Assert.Equal("NA", row[metric.Name]);
            }
            Assert.Equal(run.Metrics["gpu0_max_temperature_c"], double.Parse(row["gpu0_max_temperature_c"], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Csv_writes_NA_for_unavailable_energy_and_keeps_its_source()
    {
        var rows = CsvText.Parse(CsvExporter.Format(Runs()));
        var row = rows[0].Zip(rows[2]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("NA", row["energy_gpu_j"]);
        Assert.Equal("NA", row["energy_total_j"]);
        Assert.Equal("NA", row["energy_per_output_token_j"]);
        Assert.Equal("50", row["energy_cpu_j"]);
        Assert.Equal("unavailable", row["energy_gpu_source"]);
        Assert.Equal("estimated", row["energy_cpu_source"]);
        Assert.Equal("unavailable", row["energy_total_source"]);
        Assert.Equal("NA", row["energy_ram_source"]);
        Assert.Equal("gpu:0=unavailable; cpu:package-0=estimated", row["energy_components"]);

        var measured = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("1000", measured["energy_gpu_j"]);
        Assert.Equal("measured-counter", measured["energy_gpu_source"]);
        Assert.Equal("estimated", measured["energy_total_source"]);
    }

    [Fact]
    public void Csv_column_order_is_stable_and_as_documented()
    {
        var header = CsvText.Parse(CsvExporter.Format(Runs()))[0];
        Assert.Equal(ExportTable.RunColumns.Select(c => c.Name), header.Take(ExportTable.RunColumns.Count));
        // Parameters follow in registry order (model, precision, batching.batch_size, baseline.duration).
        Assert.Equal(["model", "precision", "batching.batch_size", "baseline.duration"], header.Skip(ExportTable.RunColumns.Count).Take(4));
        var metricsStart = ExportTable.RunColumns.Count + 4;
        Assert.Equal(MetricNames.Canonical.Select(m => m.Name), header.Skip(metricsStart).Take(MetricNames.Canonical.Count));
        Assert.Equal(ExportTable.EnergySourceColumns.Select(c => c.Name), header.Skip(metricsStart + MetricNames.Canonical.Count).Take(ExportTable.EnergySourceColumns.Count));
        Assert.Equal("gpu0_max_temperature_c", header[^1]);
        Assert.Equal(header, CsvText.Parse(CsvExporter.Format(Runs()))[0]);
    }

    [Fact]
    public void Csv_quotes_text_that_holds_commas_and_quotes()
    {
        var runs = Runs();
        var text = CsvExporter.Format(runs);
        Assert.Contains("\"synthetic(\"\"tiny\"\")\"", text);
        var rows = CsvText.Parse(text);
        var model = rows[0].IndexOf("model");
        Assert.Equal("synthetic(\"tiny\")", rows[1][model]);
        var warnings = rows[0].IndexOf("warning_codes");
        Assert.Equal("LEM3001", rows[1][warnings]);
    }

    [Fact]
    public void Json_export_round_trips()
    {
        var runs = Runs();
        var json = JsonExporter.Format(runs);
        Assert.StartsWith("[", json);
        var back = JsonExporter.Parse(json, "export.json");
        Assert.Equal(runs.Count, back.Count);
        Assert.Equal(json, JsonExporter.Format(back));
        Assert.Null(back[1].Energy.Single(e => e.Component == "gpu:0").EnergyJ);
        Assert.Contains("\"source\": \"unavailable\"", json);
        Assert.Contains("\"energy_j\": null", json);
        Assert.Contains("\"source\": \"measured-counter\"", json);
    }

    [Fact]
    public void A_raw_record_round_trips_through_json()
    {
        var raw = Samples.Raw("20261125T120000000Z-aaaaaa-llama_bf16-c0");
        var json = ResultJson.Serialize(raw);
        var back = ResultJson.Deserialize<RawRecord>(json, "raw-worker0.json");
        Assert.Equal(json, ResultJson.Serialize(back));
        Assert.Contains($"\"schema_version\": {SchemaVersions.Current}", json);
        Assert.Contains("\"batching.batch_size\": {", json);
        Assert.Contains("\"from\": \"sweep grid (paper.lem:20)\"", json);
        Assert.Contains("\"value\": \"30s\"", json);
        Assert.Equal(8, back.Config["batching.batch_size"].Value!.GetValue<long>());
    }

    [Fact]
    public void A_record_missing_a_required_field_is_reported_with_its_file()
    {
        var json = ResultJson.Serialize(Samples.Raw("r")).Replace("\"run_id\"", "\"not_run_id\"");
        var error = Assert.Throws<ResultsException>(() => ResultJson.Deserialize<RawRecord>(json, "/x/raw-worker0.json"));
        Assert.Contains("/x/raw-worker0.json", error.Message);
        Assert.Contains("run_id", error.Message);
    }

    [Fact]
    public async Task Parquet_is_written_and_reads_back_with_the_csv_columns()
    {
        var runs = Runs();
        var table = ExportTable.From(runs);
        using var stream = new MemoryStream();
        await ParquetExporter.WriteAsync(stream, runs);
        stream.Position = 0;

        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(table.Columns.Select(c => c.Name), fields.Select(f => f.Name));
        Assert.Equal(1, reader.RowGroupCount);
        using var group = reader.OpenRowGroupReader(0);
        Assert.Equal(runs.Count, group.RowCount);

        for (var c = 0; c < fields.Length; c++)
        {
            if (table.Columns[c].Kind == ExportColumnKind.Number)
            {
                var values = new double?[runs.Count];
                await group.ReadAsync<double>(fields[c], values.AsMemory());
                Assert.Equal(table.Rows.Select(r => (double?)r[c]), values);
            }
            else
            {
                var values = new string?[runs.Count];
                await group.ReadAsync(fields[c], values.AsMemory());
                Assert.Equal(table.Rows.Select(r => (string?)r[c]), values);
            }
        }
        var gpu = Array.FindIndex(fields, f => f.Name == "energy_gpu_j");
        var gpuValues = new double?[runs.Count];
        await group.ReadAsync<double>(fields[gpu], gpuValues.AsMemory());
        Assert.Equal([1000, null], gpuValues);
    }

    [Fact]
    public async Task An_empty_export_has_the_header_only()
    {
        var csv = CsvText.Parse(CsvExporter.Format([]));
        Assert.Single(csv);
        Assert.Equal(ExportTable.RunColumns.Count + MetricNames.Canonical.Count + ExportTable.EnergySourceColumns.Count, csv[0].Count);
        Assert.Equal("[]", JsonExporter.Format([]));
        using var stream = new MemoryStream();
        await ParquetExporter.WriteAsync(stream, []);
        stream.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.Equal(csv[0], reader.Schema.GetDataFields().Select(f => f.Name));
    }

    [Fact]
    public void Export_files_are_written_in_each_format()
    {
        using var temp = new TempFolder();
        var runs = Runs();
        foreach (var format in new[] { "csv", "json", "parquet" })
        {
            var path = Path.Combine(temp.Path, "paper." + format);
            ResultExport.Write(ResultExport.ParseFormat(format), path, runs);
            Assert.True(new FileInfo(path).Length > 100);
            Assert.Equal(ResultExport.ParseFormat(format), ResultExport.FormatOfPath(path));
            ResultExport.Write(ResultExport.ParseFormat(format), path, runs);
        }
        Assert.Equal(3, Directory.GetFiles(temp.Path).Length);
        Assert.Contains("csv, json or parquet", Assert.Throws<ResultsException>(() => ResultExport.ParseFormat("xlsx")).Message);
        Assert.Contains("does not exist", Assert.Throws<ResultsException>(() => ResultExport.Write(ExportFormat.Csv, Path.Combine(temp.Path, "no", "x.csv"), runs)).Message);
    }

    [Fact]
    public void An_energy_unavailable_in_a_component_is_never_exported_as_zero()
    {
        var raw = Samples.Raw("r", energy: [EnergyRecord.From(EnergyFigure.Unavailable("gpu:0", "MIG"))]);
        var a = RunAggregator.Aggregate([raw], RunStatus.Complete);
        var rows = CsvText.Parse(CsvExporter.Format([a]));
        var row = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("NA", row["energy_gpu_j"]);
        Assert.Equal("NA", row["avg_power_w"]);
        Assert.DoesNotContain(a.Metrics.Keys, k => k.StartsWith("energy_", StringComparison.Ordinal));
    }
}
