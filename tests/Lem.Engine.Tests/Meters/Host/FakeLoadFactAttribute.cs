using Lem.Engine.Meters.Host;

namespace Lem.Engine.Tests.Meters.Host;

/// <summary>
/// A fact that puts a real second process beside the test: skipped (visibly, with the reason) where there is no
/// /proc/stat to read or no <c>sh</c> and <c>timeout</c> to start a bounded CPU burner with.
/// </summary>
public sealed class FakeLoadFactAttribute : FactAttribute
{
    public FakeLoadFactAttribute()
    {
        if (!new ProcFolder().HasStat)
            Skip = "no /proc/stat (not Linux): the process and machine CPU times cannot be read";
        else if (new[] { "sh", "timeout" }.FirstOrDefault(name => !OnPath(name)) is { } missing)
            Skip = $"no '{missing}' on PATH: the bounded CPU burner (timeout 60 sh -c 'while :; do :; done') cannot be started";
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, name)));
}
