using Lem.Engine.Meters;
using Lem.Engine.Results;
using Lem.Engine.Results.Schema;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Tests.Results;

public class ResultStoreTests
{
    [Fact]
    public void A_written_run_is_listed_complete_and_its_record_reads_back()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(Path.Combine(temp.Path, "results"));
        store.EnsureWritable();
        var id = store.BeginRun("llama_bf16", 0);
        var raw = Samples.Raw(id);
        store.WriteRawRecord(raw, [new TimeSeriesPoint(0, "gpu0_power_w", 71.5), new TimeSeriesPoint(0.1, "gpu0_power_w", 402.25)]);
        var marker = store.MarkComplete(id);

        Assert.Equal(1, marker.WorkerCount);
        Assert.Equal(["raw-worker0.json", "timeseries-worker0.csv"], marker.Files);
        var files = Directory.GetFiles(store.RunFolder(id)).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["DONE", "START", "aggregated.json", "raw-worker0.json", "timeseries-worker0.csv"], files);

        var run = store.LoadRun(id);
        Assert.Equal(RunStatus.Complete, run.Status);
        var back = Assert.Single(run.Records);
        Assert.Equal(ResultJson.Serialize(raw), ResultJson.Serialize(back));
        Assert.Equal([new TimeSeriesPoint(0, "gpu0_power_w", 71.5), new TimeSeriesPoint(0.1, "gpu0_power_w", 402.25)], store.ReadTimeSeries(id, 0));

        var entry = Assert.Single(store.ListRuns());
        Assert.Equal(RunStatus.Complete, entry.Status);
        Assert.Equal(id, entry.Record!.RunId);
        Assert.Null(entry.Problem);
    }

    [Fact]
    public void A_second_run_of_the_same_experiment_never_overwrites_the_first()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var first = store.BeginRun("llama_bf16", 0);
        store.WriteRawRecord(Samples.Raw(first, gpuJ: 1000));
        store.MarkComplete(first);
        var second = store.BeginRun("llama_bf16", 0);
        store.WriteRawRecord(Samples.Raw(second, gpuJ: 2000));
        store.MarkComplete(second);

        Assert.NotEqual(first, second);
        Assert.Equal(1000, store.Aggregate(first).Metrics[MetricNames.EnergyGpuJ]);
        Assert.Equal(2000, store.Aggregate(second).Metrics[MetricNames.EnergyGpuJ]);
        Assert.Equal([first, second], store.ListRuns().Select(e => e.RunId));
    }

    [Fact]
    public void Existing_run_folders_and_records_are_never_reused()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        Assert.Throws<ResultsException>(() => store.CreateRunFolder(id));
        store.WriteRawRecord(Samples.Raw(id, gpuJ: 1000));
        var again = Assert.Throws<ResultsException>(() => store.WriteRawRecord(Samples.Raw(id, gpuJ: 5)));
        Assert.Contains("never overwritten", again.Message);
        store.MarkComplete(id);
        Assert.Throws<ResultsException>(() => store.MarkComplete(id));
        Assert.Equal(1000, store.Aggregate(id).Metrics[MetricNames.EnergyGpuJ]);
    }

    [Fact]
    public void No_raw_record_may_be_added_after_DONE()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        store.WriteRawRecord(Samples.Raw(id, worker: 0, workers: 1));
        store.MarkComplete(id);
        File.Delete(Path.Combine(store.RunFolder(id), RunFiles.Raw(0)));
        var error = Assert.Throws<ResultsException>(() => store.WriteRawRecord(Samples.Raw(id)));
        Assert.Contains("already complete", error.Message);
    }

    [Fact]
    public void A_run_without_DONE_is_listed_incomplete()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        store.WriteRawRecord(Samples.Raw(id));

        var entry = Assert.Single(store.ListRuns());
        Assert.Equal(RunStatus.Incomplete, entry.Status);
        Assert.Equal(RunStatus.Incomplete, entry.Record!.Status);
        Assert.Empty(store.LoadAggregated());
        Assert.Single(store.LoadAggregated(includeIncomplete: true));
        Assert.False(File.Exists(Path.Combine(store.RunFolder(id), RunFiles.Aggregated)));
    }

    [Fact]
    public void DONE_is_refused_until_every_worker_has_written()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        store.WriteRawRecord(Samples.Raw(id, worker: 1, workers: 2));
        var error = Assert.Throws<ResultsException>(() => store.MarkComplete(id));
        Assert.Contains("worker(s) 0 of 2 are missing", error.Message);
        Assert.False(File.Exists(Path.Combine(store.RunFolder(id), RunFiles.Done)));

        var entry = Assert.Single(store.ListRuns());
        Assert.Equal(RunStatus.Incomplete, entry.Status);
        Assert.Equal(1, entry.Record!.WorkersFound);
        Assert.Contains(entry.Record.AggregationNotes, n => n.Contains("missing: 0"));

        store.WriteRawRecord(Samples.Raw(id, worker: 0, workers: 2));
        store.MarkComplete(id);
        Assert.Equal(RunStatus.Complete, Assert.Single(store.ListRuns()).Status);
    }

    [Fact]
    public void A_crash_during_a_write_leaves_a_temporary_file_that_listing_ignores()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        // What a crash between writing the temporary file and renaming it leaves behind: half a record.
        var half = ResultJson.Serialize(Samples.Raw(id))[..200];
        File.WriteAllText(Path.Combine(store.RunFolder(id), ".raw-worker0.json.tmp-0a1b2c3d"), half);

        var entry = Assert.Single(store.ListRuns());
        Assert.Equal(RunStatus.Incomplete, entry.Status);
        Assert.Null(entry.Record);
        Assert.Contains("no raw record", entry.Problem);
        Assert.Empty(store.LoadRun(id).Records);

        // The worker can still write its record afterwards.
        store.WriteRawRecord(Samples.Raw(id));
        store.MarkComplete(id);
        Assert.Equal(RunStatus.Complete, Assert.Single(store.ListRuns()).Status);
    }

    [Fact]
    public void A_damaged_raw_record_is_reported_with_its_file_and_other_runs_still_list()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var bad = store.BeginRun("bad", 0);
        File.WriteAllText(Path.Combine(store.RunFolder(bad), "raw-worker0.json"), "{ not json");
        var good = store.BeginRun("good", 0);
        store.WriteRawRecord(Samples.Raw(good, experiment: "good"));
        store.MarkComplete(good);

        var entries = store.ListRuns();
        Assert.Equal(2, entries.Count);
        Assert.Contains("raw-worker0.json", entries[0].Problem);
        Assert.Contains("unreadable", entries[0].Problem);
        Assert.NotNull(entries[1].Record);
    }

    [Fact]
    public void A_record_of_a_newer_schema_is_refused_with_the_remedy()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        var json = ResultJson.Serialize(Samples.Raw(id)).Replace($"\"schema_version\": {SchemaVersions.Current}", "\"schema_version\": 99");
        File.WriteAllText(Path.Combine(store.RunFolder(id), "raw-worker0.json"), json);
        var error = Assert.Throws<ResultsException>(() => store.LoadRun(id));
        Assert.Contains("schema version 99", error.Message);
        Assert.Contains("read it with lem 0.1.0 or newer", error.Message); // the lem that wrote it (Samples' tool_version)
    }

    [Fact]
    public void The_aggregated_cache_is_used_when_fresh_and_rebuilt_when_raw_records_change()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var id = store.BeginRun("x", 0);
        store.WriteRawRecord(Samples.Raw(id, gpuJ: 1000));
        store.MarkComplete(id);
        var cachePath = Path.Combine(store.RunFolder(id), RunFiles.Aggregated);
        Assert.True(File.Exists(cachePath));

        // A fresh cache is what Aggregate returns: prove it by editing only the cache.
        File.WriteAllText(cachePath, File.ReadAllText(cachePath).Replace("\"experiment\": \"llama_bf16\"", "\"experiment\": \"from-cache\""));
        Assert.Equal("from-cache", store.Aggregate(id).Experiment);

        // The raw record is the truth: when it changes, the cache is stale and rebuilt.
        var rawPath = Path.Combine(store.RunFolder(id), RunFiles.Raw(0));
        File.WriteAllText(rawPath, ResultJson.Serialize(Samples.Raw(id, gpuJ: 3000)));
        File.SetLastWriteTimeUtc(rawPath, DateTime.UtcNow.AddMinutes(1));
        var rebuilt = store.Aggregate(id);
        Assert.Equal("llama_bf16", rebuilt.Experiment);
        Assert.Equal(3000, rebuilt.Metrics[MetricNames.EnergyGpuJ]);
        Assert.Contains("\"llama_bf16\"", File.ReadAllText(cachePath));
    }

    [Fact]
    public void Run_ids_resolve_from_a_unique_prefix()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var a = store.BeginRun("x", 0);
        var b = store.BeginRun("x", 0);
        Assert.Equal(a, store.ResolveRunId(a));
        Assert.Equal(b, store.ResolveRunId(b[..26]));
        Assert.Contains("matches 2 runs", Assert.Throws<ResultsException>(() => store.ResolveRunId(a[..4])).Message);
        Assert.Contains("no run 'nope'", Assert.Throws<ResultsException>(() => store.ResolveRunId("nope")).Message);
        Assert.Throws<ResultsException>(() => store.LoadRun("../etc"));
    }

    [Fact]
    public void Folders_that_are_not_runs_are_not_listed()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(Path.Combine(temp.Path, "figures"));
        Directory.CreateDirectory(Path.Combine(temp.Path, ".cache"));
        var store = new ResultStore(temp.Path);
        Assert.Empty(store.ListRuns());
        Assert.Empty(new ResultStore(Path.Combine(temp.Path, "missing")).ListRuns());
    }

    [Fact]
    public void Run_folders_are_found_by_experiment_and_cycle_with_their_start_marker_and_status()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        foreach (var (experiment, cycle, complete) in new[] { ("a", 0, true), ("a", 1, true), ("b", 0, true), ("a", 0, false) })
        {
            var id = store.BeginRun(experiment, cycle, $"{experiment}#cycle{cycle}", "hash-" + experiment);
            store.WriteRawRecord(Samples.Raw(id, experiment: experiment, cycle: cycle));
            if (complete) store.MarkComplete(id);
        }
        // "a b" sanitises to the same folder name as "a_b": START tells them apart
        var lookalike = store.BeginRun("a b", 0, "a b#cycle0", "hash-ab");

        var found = store.FoldersOf("a", 0);
        Assert.Equal([RunStatus.Complete, RunStatus.Incomplete], found.Select(f => f.Status));
        Assert.All(found, f => Assert.Equal(("a#cycle0", "hash-a", Environment.ProcessId), (f.Start!.RunKey, f.Start.ConfigHash, f.Start.Pid)));
        Assert.Empty(store.FoldersOf("c", 0));
        Assert.Equal(lookalike, Assert.Single(store.FoldersOf("a b", 0)).RunId);
        Assert.Empty(store.FoldersOf("a_b", 0));
    }

    [Fact]
    public void An_interrupted_run_is_marked_never_completes_and_a_complete_one_is_never_marked()
    {
        using var temp = new TempFolder();
        var store = new ResultStore(temp.Path);
        var complete = store.BeginRun("a", 0);
        store.WriteRawRecord(Samples.Raw(complete, experiment: "a", cycle: 0));
        store.MarkComplete(complete);
        var cut = store.BeginRun("a", 1);
        store.WriteRawRecord(Samples.Raw(cut, experiment: "a", cycle: 1));

        Assert.False(store.MarkInterrupted(complete, "test"));
        Assert.False(File.Exists(Path.Combine(store.RunFolder(complete), RunFiles.Interrupted)));
        Assert.True(store.MarkInterrupted(cut, "stopped by SIGINT"));
        Assert.False(store.MarkInterrupted(cut, "again"));

        Assert.Throws<ResultsException>(() => store.MarkComplete(cut));
        var entry = store.ListRuns().Single(e => e.RunId == cut);
        Assert.Equal(RunStatus.Interrupted, entry.Status);
        Assert.Equal(RunStatus.Interrupted, entry.Record!.Status);
        Assert.Equal([complete], store.LoadAggregated().Select(r => r.RunId));
        Assert.Contains("stopped by SIGINT", File.ReadAllText(Path.Combine(store.RunFolder(cut), RunFiles.Interrupted)));
    }

    [Fact]
    public void A_results_folder_under_a_file_is_not_writable_and_the_error_names_it()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "a-file");
        File.WriteAllText(file, "x");
        var folder = Path.Combine(file, "results");
        var error = Assert.Throws<ResultsException>(() => new ResultStore(folder).EnsureWritable());
        Assert.Contains(folder, error.Message);
        Assert.Contains("results.dir", error.Message);

        var isFile = Assert.Throws<ResultsException>(() => new ResultStore(file).EnsureWritable());
        Assert.Contains("is a file", isFile.Message);
    }

    [UnlessRootFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_read_only_results_folder_is_not_writable()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "ro");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var error = Assert.Throws<ResultsException>(() => new ResultStore(folder).EnsureWritable());
            Assert.Contains(folder, error.Message);
            Assert.Contains("not writable", error.Message);
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
