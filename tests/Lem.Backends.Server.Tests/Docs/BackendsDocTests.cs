using Lem.Backends.Server.Docs;
using Lem.Backends.Server.Tests.Support;

namespace Lem.Backends.Server.Tests.Docs;

public class BackendsDocTests
{
    [Fact]
    public void BackendsDoc_file_is_the_text_generated_from_the_engine_tables()
    {
        var path = Path.Combine(RepositoryPaths.Root, BackendsDoc.RelativePath);
        var expected = BackendsDoc.Write();
        if (Environment.GetEnvironmentVariable("LEM_UPDATE_GOLDEN") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"{path} is missing: run LEM_UPDATE_GOLDEN=1 dotnet test tests/Lem.Backends.Server.Tests --filter BackendsDoc");
        Assert.Equal(expected, File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_flag_of_every_engine_appears_in_the_document()
    {
        var text = BackendsDoc.Write();
        foreach (var engine in Lem.Backends.Server.Engines.ServerEngines.All)
            Assert.All(engine.Flags, flag => Assert.Contains($"`{flag.Name}`", text));
    }
}
