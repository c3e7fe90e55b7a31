namespace Lem.Backends.Server.Tests.Support;

public static class RepositoryPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds LLenergyMeasure.sln.</summary>
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "LLenergyMeasure.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("LLenergyMeasure.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
