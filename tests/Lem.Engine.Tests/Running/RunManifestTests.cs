using Lem.Engine.Running;
using Lem.Engine.Tests.Results;

namespace Lem.Engine.Tests.Running;

/// <summary>The manifest as one file per planned run, merged on read: processes finishing at once never lose each other's entries.</summary>
public class RunManifestTests
{
    private static ManifestEntry Entry(string key, ManifestStatus status) => new(key, "e", 1, "hash", status, RunId: "run-" + key);

    [Fact]
    public void Many_processes_recording_at_once_keep_every_entry()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "manifests", "camp.c");
        // one manifest object per "process", each recording its own runs, all at the same time
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 8 }, task =>
        {
            var manifest = RunManifest.Open(folder);
            var key = $"e[batching.batch_size={task}]#cycle1";
            manifest.Record(Entry(key, ManifestStatus.Running));
            manifest.Record(Entry(key, ManifestStatus.Done));
        });

        var entries = RunManifest.Open(folder).Entries;
        Assert.Equal(24, entries.Count);
        Assert.All(entries, e => Assert.Equal(ManifestStatus.Done, e.Status));
        Assert.Equal(24, Directory.GetFiles(folder).Length); // one file each, no temporary left
    }

    [Fact]
    public void The_single_file_manifest_of_earlier_versions_is_read_under_the_per_run_files()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "camp.c");
        File.WriteAllText(folder + ".json", """
            [{"key": "a#cycle1", "experiment": "a", "cycle": 1, "config_hash": "h", "status": "done", "run_id": "old-a"},
             {"key": "b#cycle1", "experiment": "b", "cycle": 1, "config_hash": "h", "status": "running"}]
            """);
        var manifest = RunManifest.Open(folder);
        manifest.Record(Entry("b#cycle1", ManifestStatus.Done));

        Assert.Equal("old-a", manifest.Find("a#cycle1")!.RunId);
        Assert.Equal(ManifestStatus.Done, manifest.Find("b#cycle1")!.Status);
        Assert.Equal(["a#cycle1", "b#cycle1"], manifest.Entries.Select(e => e.Key));
        Assert.Null(manifest.Find("c#cycle1"));
    }
}
