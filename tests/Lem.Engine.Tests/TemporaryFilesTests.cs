using Lem.Engine.Results.Store;
using Lem.Engine.Tests.Results;
using Lem.Engine.Tests.Running;

namespace Lem.Engine.Tests;

/// <summary>Temporaries are named by their process and host, removed on the way out, and a killed process's are swept later.</summary>
public class TemporaryFilesTests
{
    [Fact]
    public void A_sweep_removes_what_ended_processes_of_this_host_left_and_nothing_else()
    {
        using var temp = new TempFolder();
        var dead = DeadProcess.Id();
        var host = TemporaryFiles.HostTag;
        string Make(string name, bool folder = false)
        {
            var path = Path.Combine(temp.Path, name);
            if (folder) File.WriteAllText(Path.Combine(Directory.CreateDirectory(path).FullName, "model.safetensors"), "x");
            else File.WriteAllText(path, "x");
            return path;
        }
        var deadFile = Make($".runs.csv.tmp-{dead}-{host}-0a1b2c3d");
        var deadModel = Make($"llama-tiny-seed0-v1.tmp-{dead}-{host}-0a1b2c3d", folder: true);
        var live = Make($".runs.csv.tmp-{Environment.ProcessId}-{host}-0a1b2c3d");
        var otherHost = Make($".runs.csv.tmp-{dead}-ffffffff-0a1b2c3d");
        var older = Make(".runs.csv.tmp-0a1b2c3d");
        var run = Directory.CreateDirectory(Path.Combine(temp.Path, "20261125T120000000Z-aaaaaa-e-c1")).FullName;
        var deadInRun = Path.Combine(run, $".aggregated.json.tmp-{dead}-{host}-00000000");
        File.WriteAllText(deadInRun, "x");

        Assert.Equal(2, TemporaryFiles.Sweep(temp.Path));
        Assert.False(File.Exists(deadFile));
        Assert.False(Directory.Exists(deadModel));
        Assert.True(File.Exists(live) && File.Exists(otherHost) && File.Exists(older) && File.Exists(deadInRun));
        Assert.Equal(1, TemporaryFiles.Sweep(temp.Path, depth: 2));
        Assert.False(File.Exists(deadInRun));
    }

    [Fact]
    public void An_atomic_write_leaves_no_temporary_even_when_it_fails()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "DONE");
        AtomicFile.WriteNew(path, "first");
        Assert.Throws<Lem.Engine.Results.ResultsException>(() => AtomicFile.WriteNew(path, "second"));
        Assert.Equal(["DONE"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.DoesNotContain(TemporaryFiles.Tracking, t => t.StartsWith(temp.Path, StringComparison.Ordinal));
    }
}

[CollectionDefinition(nameof(ProcessWideCollection), DisableParallelization = true)]
public sealed class ProcessWideCollection;

/// <summary>Removing every tracked temporary is process-wide: it runs alone, so no other test's file is being written meanwhile.</summary>
[Collection(nameof(ProcessWideCollection))]
public class TemporaryFilesOnExitTests
{
    [Fact]
    public void Temporaries_being_written_are_removed_on_the_way_out()
    {
        using var temp = new TempFolder();
        var file = TemporaryFiles.Track(TemporaryFiles.PathBeside(Path.Combine(temp.Path, "runs.parquet")));
        File.WriteAllText(file.Path, "half");
        var folder = TemporaryFiles.Track(TemporaryFiles.PathBeside(Path.Combine(temp.Path, "qwen2-qwen2.5-0.5b-seed0-v1"), hidden: false));
        Directory.CreateDirectory(folder.Path);
        File.WriteAllText(Path.Combine(folder.Path, "model-00001-of-00002.safetensors"), "half");
        Assert.Equal((Environment.ProcessId, TemporaryFiles.HostTag), TemporaryFiles.Owner(Path.GetFileName(folder.Path)));
        Assert.StartsWith(".runs.parquet.tmp-", Path.GetFileName(file.Path));
        Assert.Contains(file.Path, TemporaryFiles.Tracking);

        TemporaryFiles.RemoveAll(); // what the process-exit handler does

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
        Assert.DoesNotContain(file.Path, TemporaryFiles.Tracking);
    }
}
