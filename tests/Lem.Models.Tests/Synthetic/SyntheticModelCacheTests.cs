using Lem.Models.Synthetic;

namespace Lem.Models.Tests.Synthetic;

public sealed class SyntheticModelCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lem-cache-").FullName;

    [Fact]
    public void Default_root_prefers_LEM_CACHE_DIR_then_XDG()
    {
        Assert.Equal("/x/models", SyntheticModelCache.DefaultRoot(n => n == "LEM_CACHE_DIR" ? "/x" : "/y"));
        Assert.Equal("/y/lem/models", SyntheticModelCache.DefaultRoot(n => n == "XDG_CACHE_HOME" ? "/y" : null));
        Assert.EndsWith(".cache/lem/models", SyntheticModelCache.DefaultRoot(_ => null));
    }

    [Fact]
    public void First_use_generates_later_uses_reuse()
    {
        var cache = new SyntheticModelCache(_dir);
        string folder = cache.Resolve("tiny", seed: 3);

        Assert.Equal(Path.Combine(_dir, $"llama-tiny-seed3-v{SyntheticModelWriter.WriterVersion}"), folder);
        Assert.True(File.Exists(Path.Combine(folder, SyntheticModelCache.CompleteMarker)));
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors"));

        Assert.Equal(folder, cache.Resolve("llama:tiny", seed: 3));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public void An_incomplete_folder_is_regenerated()
    {
        var cache = new SyntheticModelCache(_dir);
        string folder = Path.Combine(_dir, SyntheticModelCache.FolderName(SyntheticPresets.Resolve("qwen3:tiny"), 0));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.safetensors"), "half written");

        Assert.Equal(folder, cache.Resolve("qwen3:tiny"));
        Assert.True(new FileInfo(Path.Combine(folder, "model.safetensors")).Length > 1000);
    }

    [Fact]
    public void Concurrent_first_uses_share_one_complete_folder()
    {
        var folders = new string[4];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => folders[i] = new SyntheticModelCache(_dir).Resolve("gpt2:tiny", 1));

        Assert.Single(folders.Distinct());
        Assert.True(File.Exists(Path.Combine(folders[0], SyntheticModelCache.CompleteMarker)));
        Assert.DoesNotContain(Directory.GetDirectories(_dir), d => d.Contains(".tmp-"));
        using var file = Lem.Models.Safetensors.SafetensorsFile.Open(Path.Combine(folders[0], "model.safetensors"));
        Assert.NotEmpty(file.Entries);
    }

    [Fact]
    public void A_generation_a_killed_lem_left_half_written_is_swept_by_the_next_one()
    {
        using var ended = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();
        var left = Directory.CreateDirectory(Path.Combine(_dir, $"llama-small-seed0-v1.tmp-{ended.Id}-{Lem.Engine.TemporaryFiles.HostTag}-0a1b2c3d")).FullName;
        File.WriteAllText(Path.Combine(left, "model-00001-of-00004.safetensors"), "half written");
        var writing = Directory.CreateDirectory(Path.Combine(_dir, $"llama-small-seed1-v1.tmp-{Environment.ProcessId}-{Lem.Engine.TemporaryFiles.HostTag}-0a1b2c3d")).FullName;

        new SyntheticModelCache(_dir).Resolve("tiny");

        Assert.False(Directory.Exists(left));
        Assert.True(Directory.Exists(writing)); // a live process's generation is its own
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
