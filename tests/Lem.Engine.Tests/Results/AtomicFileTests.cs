using Lem.Engine.Results;
using Lem.Engine.Results.Store;

namespace Lem.Engine.Tests.Results;

public class AtomicFileTests
{
    [Fact]
    public void Writes_the_whole_text_and_leaves_no_temporary_file()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "raw-worker0.json");
        AtomicFile.WriteNew(path, "{\"a\": 1}");
        Assert.Equal("{\"a\": 1}", File.ReadAllText(path));
        Assert.Equal(["raw-worker0.json"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Never_overwrites_an_existing_file()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "raw-worker0.json");
        AtomicFile.WriteNew(path, "first");
        var error = Assert.Throws<ResultsException>(() => AtomicFile.WriteNew(path, "second"));
        Assert.Contains("never overwritten", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal("first", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Temporary_files_are_hidden_and_recognised()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "raw-worker0.json");
        AtomicFile.WriteNew(path, "x");
        Assert.True(AtomicFile.IsTemporary(".raw-worker0.json.tmp-0a1b2c3d"));
        Assert.False(AtomicFile.IsTemporary("raw-worker0.json"));
        Assert.Null(RunFiles.RawWorker(".raw-worker0.json.tmp-0a1b2c3d"));
        Assert.Equal(3, RunFiles.RawWorker("raw-worker3.json"));
    }

    [Fact]
    public async Task A_concurrent_writer_sees_either_nothing_or_the_whole_file()
    {
        using var temp = new TempFolder();
        var text = new string('x', 4_000_000);
        for (var i = 0; i < 5; i++)
        {
            var path = Path.Combine(temp.Path, $"big{i}.json");
            var writer = Task.Run(() => AtomicFile.WriteNew(path, text));
            while (!writer.IsCompleted)
            {
                if (File.Exists(path)) Assert.Equal(text.Length, new FileInfo(path).Length);
            }
            await writer;
            Assert.Equal(text.Length, new FileInfo(path).Length);
        }
    }
}
