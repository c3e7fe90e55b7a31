using Lem.Engine.Flops;
using Lem.Engine.Flops.Utilisation;
using Lem.Engine.Meters;
using Lem.Engine.Meters.Carbon;
using Lem.Engine.Meters.Estimates;
using Lem.Engine.Results;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Tests.Workload;

/// <summary>The embedded tables and the time series files are read by the project's one CSV reader (RFC 4180 quoting, '#' comments).</summary>
public class CsvTablesTests
{
    [Fact]
    public void The_cpu_tdp_table_takes_a_quoted_source_with_commas_and_skips_comments_with_quotes()
    {
        var rows = CpuTdpTable.Parse("# a \"quoted\", commented line\nmodel,tdp_w,source\nXeon Gold 6338,205,\"Intel ARK, 2026 \"\"base power\"\"\"\n");
        var row = Assert.Single(rows);
        Assert.Equal(("Xeon Gold 6338", 205.0, "Intel ARK, 2026 \"base power\""), (row.Model, row.TdpW, row.Source));
        var error = Assert.Throws<FormatException>(() => CpuTdpTable.Parse("model,tdp_w,source\nfoo,bar,baz\n"));
        Assert.StartsWith("cpu-tdp.csv:2:", error.Message);
    }

    [Fact]
    public void The_carbon_table_takes_a_quoted_name_and_keeps_its_comment_header()
    {
        var (rows, header) = CarbonIntensityTable.Parse("# Source: \"Carbon intensity\", 2021.\ncode,iso3,name,g_per_kwh\nKR,KOR,\"Korea, Republic of\",436\n");
        Assert.Equal(new CarbonIntensityTable.Row("KR", "KOR", "Korea, Republic of", 436), Assert.Single(rows));
        Assert.Equal("Source: \"Carbon intensity\", 2021.", header);
    }

    [Fact]
    public void The_gpu_peak_table_takes_a_quoted_note_and_names_an_unclosed_quote()
    {
        const string head = "# c, \"d\"\ngpu,nvml_names,bf16_dense_tflop_s,fp16_dense_tflop_s,tf32_dense_tflop_s,fp32_tflop_s,memory_bandwidth_tb_s,source,note\n";
        var peak = Assert.Single(GpuPeakTable.Parse(new StringReader(head + "H100,NVIDIA H100 80GB HBM3,989,989,495,67,3.35,datasheet,\"SXM5, dense\"\n"), "t.csv"));
        Assert.Equal(("H100", "SXM5, dense"), (peak.Gpu, peak.Note));
        var e = Assert.Throws<FlopsInputException>(() => GpuPeakTable.Parse(new StringReader(head + "H100,\"open\n"), "t.csv"));
        Assert.StartsWith("t.csv:3:", e.Message);
    }

    [Fact]
    public void A_time_series_file_reads_back_and_names_a_bad_line()
    {
        var points = new[] { new TimeSeriesPoint(0.1, "gpu0_instant_power_w", 300), new TimeSeriesPoint(0.2, "gpu0_instant_power_w", 301.5) };
        Assert.Equal(points, TimeSeriesCsv.Parse(TimeSeriesCsv.Format(points), "ts.csv"));
        Assert.Equal([new TimeSeriesPoint(0.1, "a,b", 1)], TimeSeriesCsv.Parse("t_s,series,value\n0.1,\"a,b\",1\n", "ts.csv"));
        Assert.StartsWith("ts.csv:3:", Assert.Throws<ResultsException>(() => TimeSeriesCsv.Parse("t_s,series,value\n0.1,a,1\n0.2,a\n", "ts.csv")).Message);
        Assert.Contains("not a time series file", Assert.Throws<ResultsException>(() => TimeSeriesCsv.Parse("", "ts.csv")).Message);
    }
}
