namespace Lem.Engine.Running.Commands;

/// <summary>
/// Finds the program of a command as a shell would, without a shell: a name with a '/' is a path (relative to the
/// working folder); a bare name is looked up in each folder of PATH in turn. Failures are one line with the remedy and
/// the shell's exit status (127 not found, 126 not executable).
/// </summary>
public static class CommandLocator
{
    public const int NotFoundExitCode = 127;
    public const int NotExecutableExitCode = 126;

    /// <param name="path">The PATH variable; null reads the process's.</param>
    public static string Resolve(string program, string workingFolder, string? path = null)
    {
        if (string.IsNullOrWhiteSpace(program))
            throw new CommandStartException("the command after -- is empty. Remedy: give the program to run, for example lem measure -- python3 script.py.", NotFoundExitCode);
        if (program.Contains('/'))
        {
            var file = Path.GetFullPath(program, workingFolder);
            if (Directory.Exists(file))
                throw new CommandStartException($"command '{program}' is a folder, not a program. Remedy: give the program's file.", NotExecutableExitCode);
            if (!File.Exists(file))
                throw new CommandStartException($"command '{program}' not found ({file} does not exist). Remedy: check the path (it is relative to {workingFolder}).", NotFoundExitCode);
            if (!IsExecutable(file))
                throw new CommandStartException($"command '{program}' is not executable ({file}). Remedy: chmod +x {program}, or run it through its interpreter (lem measure -- python3 {program}).", NotExecutableExitCode);
            return file;
        }
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var folder in folders)
        {
            var file = Path.Combine(Path.GetFullPath(folder, workingFolder), program);
            if (File.Exists(file) && IsExecutable(file)) return file;
        }
        throw new CommandStartException(
            $"command '{program}' not found in PATH ({(folders.Length == 0 ? "PATH is empty" : string.Join(":", folders))}). Remedy: check the spelling, install it, or give its path (./{program} or /full/path/{program}).",
            NotFoundExitCode);
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
