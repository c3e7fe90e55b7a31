using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;
using Lem.Engine.Results.Views;

namespace Lem.Engine.Tests.Results;

public class ResultsViewTests
{
    [Fact]
    public void List_shows_one_aligned_line_per_run_with_status_and_energy_source()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var done = store.BeginRun("llama_bf16", 0);
        store.WriteRawRecord(Samples.Raw(done));
        store.MarkComplete(done);
        var open = store.BeginRun("llama_bf16", 1);
        store.WriteRawRecord(Samples.Raw(open, cycle: 1, gpuJ: null));

        var lines = ResultsView.List(store).TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("id", lines[0]);
        Assert.Contains("J/output token [source]", lines[0]);
        Assert.StartsWith(done, lines[1]);
        Assert.Contains("complete", lines[1]);
        Assert.Contains("5.25 [estimated]", lines[1]);
        Assert.Contains(" 20 ", lines[1]);
        Assert.Contains("2026-11-25 11:59:55", lines[1]);
        Assert.Contains("incomplete", lines[2]);
        Assert.Contains("NA [unavailable]", lines[2]);
        // Aligned: every column starts at the same offset in every line.
        var column = lines[0].IndexOf("experiment", StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Equal("llama_bf16", l.Substring(column, "llama_bf16".Length)));
    }

    [Fact]
    public void List_of_an_empty_folder_says_so()
    {
        using var temp = new TempFolder();
        Assert.Equal($"no runs in {temp.Path}\n", ResultsView.List(new ResultStore(temp.Path)));
    }

    [Fact]
    public void Show_has_every_section_with_provenance_and_sources()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("llama_bf16", 0);
        store.WriteRawRecord(Samples.Raw(id));
        store.MarkComplete(id);

        var text = ResultsView.Show(store, id[..26]);
        foreach (var section in new[] { "Run " + id, "Config", "Model", "Environment", "Window and tokens", "Throughput", "Latency (ms)", "Energy", "FLOPs", "Memory", "Meter metrics", "Warnings" })
            Assert.Contains("\n" + section, "\n" + text);
        Assert.Matches(@"batching\.batch_size\s+8\s+sweep grid \(paper\.lem:20\)", text);
        Assert.Matches(@"precision\s+bf16\s+paper\.lem:12", text);
        Assert.Matches(@"gpu:0\s+1000\s+measured-counter\s+nvmlDeviceGetTotalEnergyConsumption delta", text);
        Assert.Matches(@"cpu:package-0\s+50\s+estimated", text);
        Assert.Matches(@"total\s+1050\s+estimated", text);
        Assert.Matches(@"ttft\s+11\.5\s+11\.5", text);
        Assert.Contains("LEM3001: window shorter than 10 counter updates Remedy: measure more prompts", text);
        Assert.Contains("NVIDIA H100 80GB HBM3", text);
        Assert.Contains("complete, 1 of 1 worker(s)", text);
    }

    [Fact]
    public void Show_says_what_aggregation_could_not_do()
    {
        var records = new List<RawRecord>
        {
            Samples.Raw("20261125T120000000Z-abcdef-x-c0", worker: 0, workers: 2, withRequests: false),
            Samples.Raw("20261125T120000000Z-abcdef-x-c0", worker: 1, workers: 2, withRequests: false),
        };
        var text = ResultsView.Show(Lem.Engine.Results.Aggregation.RunAggregator.Aggregate(records, RunStatus.Incomplete));
        Assert.Contains("incomplete (no DONE marker)", text);
        Assert.Contains("Aggregation notes", text);
        Assert.Contains("percentiles not pooled", text);
    }
}
