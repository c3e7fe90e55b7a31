namespace Lem.Backends.Server.Launching;

/// <summary>Where a program that starts a server is, found as the process start will find it: a path as given, else on PATH.</summary>
public static class ExecutableSearch
{
    /// <summary>
    /// The executable file <paramref name="program"/> names: with a '/', that path (relative to the working folder);
    /// otherwise the first executable file of that name in the folders of <paramref name="pathVariable"/>. Null when none.
    /// </summary>
    public static string? Find(string program, string? pathVariable)
    {
        if (program.Contains('/')) return IsExecutable(program) ? Path.GetFullPath(program) : null;
        return (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
